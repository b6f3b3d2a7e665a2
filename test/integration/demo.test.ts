/**
 * `npm run demo` end to end, as CI and a user run it: the real npm script, real Prometheus/Alertmanager/promtool.
 * Asserts the three verdicts (degraded → blocked, warning streak → approval required, healthy → pass), that the live
 * alert reached the sink through Alertmanager, and that nothing the demo started survives it (pids and work dir).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPidAlive } from '../../src/stack/process.js';
import { REPO_ROOT } from '../harness/cli.js';
import { processesMentioning } from '../harness/processes.js';

function run(): Promise<{ code: number | null; out: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'demo'], { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, ms: Date.now() - started }));
  });
}

describe('npm run demo', () => {
  it('shows blocked, approval required and pass with reasons, delivers a live alert, and leaves nothing behind', async () => {
    const { code, out, ms } = await run();
    expect(code, out).toBe(0);
    // Verdicts with their reasons.
    expect(out).toContain('Verdicts: kokino@now blocked · runtime-v1@now approval_required · kokino@-18h pass');
    expect(out).toMatch(/verdict: BLOCKED \(exit 1\)[\s\S]*reason: availability: critical breached over 7d[\s\S]*error budget exhausted over 30d/);
    expect(out).toMatch(/verdict: APPROVAL REQUIRED \(exit 2\)[\s\S]*reason: escalation_rate: warning breached in 3 consecutive 24h windows/);
    expect(out).toMatch(/kokino 18 hours ago[\s\S]*verdict: PASS \(exit 0\)/);
    // Alerts fired in Prometheus and were delivered by Alertmanager to the sink, routed per the generated config.
    expect(out).toMatch(/Prometheus: SLOToolSuccessRateCritical\{slo_profile="runtime-v1-live"\} firing/);
    expect(out).toContain('delivered (pager webhook): SLOToolSuccessRateCritical → pager:ai-platform');
    // The backfill check step reports exactly the alert the runtime-v1 history was built to trigger.
    expect(out).toContain('alerts that would have fired: SLOEscalationRateWarning\n');
    expect(out).toMatch(/Demo OK: 3\/3 verdicts as expected, live alert delivered/);
    expect(out).toMatch(/SLO status page +http:\/\/127\.0\.0\.1:\d+\/ /); // agent-slo serve's page, up while the demo runs
    expect(ms).toBeLessThan(180_000);

    // Nothing left: the printed pids are gone, no process mentions the work dir, and the temp dir is removed.
    const dir = /working directory (\S+)/.exec(out)?.[1];
    expect(dir).toBeDefined();
    const pids = [...(/pids prometheus (\d+), alertmanager (\d+)/.exec(out) ?? [])].slice(1).map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isPidAlive(pid), `pid ${pid} still alive`).toBe(false);
    expect(processesMentioning(dir!)).toEqual([]);
    expect(existsSync(dir!)).toBe(false);
  }, 300_000);
});
