import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package.js';
import { SHIPPED_PROFILES, shippedProfilePath } from '../../src/profile/shipped.js';
import { loadProfile } from '../../src/profile/load.js';

const SECTIONS = ['Trigger', 'Severity', 'Investigation Steps', 'Mitigation', 'Escalation'] as const;

function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/^## /m).slice(1);
  for (const p of parts) {
    const nl = p.indexOf('\n');
    out.set(p.slice(0, nl).trim(), p.slice(nl + 1).trim());
  }
  return out;
}

describe('runbooks', () => {
  for (const name of SHIPPED_PROFILES) {
    it(`every objective of ${name} links to a runbook file with trigger, severity, investigation, mitigation and escalation`, async () => {
      const profile = await loadProfile(shippedProfilePath(name));
      expect(profile.objectives.length).toBeGreaterThan(0);
      for (const o of profile.objectives) {
        expect(o.runbookUrl, o.name).toBe(`docs/runbooks/${name}/${o.name}.md`);
        const file = join(packageRoot(), o.runbookUrl);
        expect(existsSync(file), `${o.name}: ${file} is missing`).toBe(true);
        const text = readFileSync(file, 'utf8');
        const found = sections(text);
        for (const s of SECTIONS) {
          expect(found.has(s), `${file} lacks "## ${s}"`).toBe(true);
          expect((found.get(s) ?? '').length, `${file}: section ${s} is empty`).toBeGreaterThan(5);
        }
        // The runbook names its objective, owner and channel from the profile.
        expect(text).toContain(`\`${o.name}\``);
        expect(text).toContain(o.owner);
        expect(text).toContain(o.channel);
        // Severity section names the severity the alerts carry.
        expect(found.get('Severity')).toContain(o.critical.severity);
        // Escalation names who is escalated to (the profile's escalation target, or the owner).
        expect(found.get('Escalation')).toContain(o.escalation?.to ?? o.owner);
      }
    });
  }

  it("kokino runbooks keep document 002's triggers, severities and commands verbatim", () => {
    const read = (f: string): Map<string, string> => sections(readFileSync(join(packageRoot(), 'docs/runbooks/kokino', f), 'utf8'));
    const availability = read('availability.md');
    expect(availability.get('Trigger')).toContain('Availability <99.0% for 1 hour');
    expect(availability.get('Severity')).toBe('P1 (Critical)');
    expect(availability.get('Investigation Steps')).toContain("curl http://localhost:5050/api/slo/status | jq '.availability'");
    expect(availability.get('Investigation Steps')).toContain('grep EXECUTION_FAILED broker/broker.log | tail -50');
    expect(availability.get('Mitigation')).toContain('If systemic: Enable fallback mode (#96) to switch to tmux');
    expect(availability.get('Escalation')).toBe('If not resolved in 30 minutes → Page @platform-lead');

    const latency = read('latency_p95.md');
    expect(latency.get('Trigger')).toBe('P95 latency >60s for 5 minutes');
    expect(latency.get('Severity')).toBe('P2 (High)');
    expect(latency.get('Investigation Steps')).toContain('curl http://localhost:5050/metrics | grep headless_latency_p95_ms');
    expect(latency.get('Escalation')).toContain('If sustained >1 hour → Notify @backend-team lead');

    const correctness = read('shadow_correctness.md');
    expect(correctness.get('Trigger')).toBe('Shadow mode match rate <90% for 24 hours');
    expect(correctness.get('Escalation')).toContain('If >50 mismatches in 24h → QA lead review');

    const integrity = read('data_integrity.md');
    expect(integrity.get('Trigger')).toBe('Any CONVERSATION_INTEGRITY_FAIL or ORPHAN_DETECTED event');
    expect(integrity.get('Severity')).toBe('P1 (Critical)');
    expect(integrity.get('Investigation Steps')).toContain('npm run integrity-check --conversation <id>');
    expect(integrity.get('Escalation')).toContain('Immediate page to @data-team lead');

    const memory = read('memory_per_execution.md');
    expect(memory.get('Trigger')).toBe('Average memory >1GB for 1 hour');
    expect(memory.get('Mitigation')).toContain('If leak: Restart broker to clear state');
    expect(memory.get('Escalation')).toContain('If memory continues growing → Ops team investigate');
  });

  it('runtime-v1 runbooks state document 000 thresholds and the 24h/7d windows', async () => {
    const profile = await loadProfile(shippedProfilePath('runtime-v1'));
    for (const o of profile.objectives) {
      const s = sections(readFileSync(join(packageRoot(), o.runbookUrl), 'utf8'));
      const trigger = s.get('Trigger') ?? '';
      expect(trigger).toContain(String(o.warning?.value));
      expect(trigger).toContain(String(o.critical.value));
      expect(trigger).toContain('24h');
      expect(trigger).toContain('7d');
      expect(s.get('Investigation Steps')).toContain(`jq '.${o.name}'`);
    }
  });
});
