import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generatePrometheusRule } from '../../src/generate/prometheus/operator.js';
import { loadProfile } from '../../src/profile/load.js';
import { runAgentSloAsync } from '../harness/cli.js';

describe('PrometheusRule output', () => {
  const temps: string[] = [];
  afterAll(() => {
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });

  it.each(['runtime-v1', 'kokino'])('%s: same groups as the committed rule file, accepted by promtool', async (name) => {
    const profile = await loadProfile(`profiles/${name}.yaml`);
    const file = generatePrometheusRule(profile, `profiles/${name}.yaml`);
    expect(file.path).toBe(`rules/${name}/prometheusrule.yaml`);
    const resource = parse(file.content) as { apiVersion: string; kind: string; metadata: { name: string }; spec: { groups: unknown[] } };
    expect(resource).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: `agent-slo-${name}` } });
    const committed = parse(readFileSync(`rules/${name}/rules.yaml`, 'utf8')) as { groups: unknown[] };
    expect(resource.spec.groups).toEqual(committed.groups);
    // What the operator hands Prometheus is spec.groups as a rule file: promtool must accept it.
    const dir = mkdtempSync(join(tmpdir(), 'agent-slo-por-'));
    temps.push(dir);
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: resource.spec.groups }));
    expect(execFileSync('promtool', ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' })).toContain('SUCCESS');
  });

  it('agent-slo generate --prometheus-operator writes the resources', async () => {
    const out = mkdtempSync(join(tmpdir(), 'agent-slo-por-out-'));
    temps.push(out);
    const r = await runAgentSloAsync(['generate', '--profile', 'kokino', '--out', out, '--prometheus-operator']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rules/kokino/prometheusrule.yaml');
    expect(readFileSync(join(out, 'rules/kokino/prometheusrule.yaml'), 'utf8')).toContain('kind: PrometheusRule');
  });
});
