/**
 * The pipeline watches itself: the generated self-monitoring rules load, their promtool tests pass (Watchdog always,
 * rule evaluation failures of this profile only, collector export failures and refused points), and Alertmanager
 * routes the Watchdog to the heartbeat receiver only while the other pipeline alerts reach people.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AM_RECEIVER_HEARTBEAT, AM_RECEIVER_UNROUTED } from '../../src/conventions.js';
import { RULE_FAILURES_ALERT, WATCHDOG_ALERT } from '../../src/conventions.js';
import { pipelineRuleFilePath } from '../../src/generate/prometheus/pipeline.js';
import { repoRoot } from '../harness/binaries.js';

const run = promisify(execFile);
const PROFILES = ['runtime-v1', 'kokino'];

describe.each(PROFILES)('self-monitoring of %s', (profile) => {
  it('promtool loads the pipeline rules and their generated tests pass', async () => {
    const check = await run('promtool', ['check', 'rules', pipelineRuleFilePath(profile)], { cwd: repoRoot() });
    expect(check.stdout).toMatch(/SUCCESS: 4 rules found/);
    const test = await run('promtool', ['test', 'rules', '_pipeline.yaml'], { cwd: join(repoRoot(), 'rules', profile, 'tests') });
    expect(test.stdout).toMatch(/SUCCESS/);
  });

  it('the Watchdog reaches the heartbeat receiver only; a rule failure reaches people', async () => {
    const config = `--config.file=${join(repoRoot(), 'alertmanager', profile, 'alertmanager.yml')}`;
    const route = async (...labels: string[]): Promise<string> => (await run('amtool', ['config', 'routes', 'test', config, ...labels])).stdout.trim();
    expect(await route(`alertname=${WATCHDOG_ALERT}`, `slo_watchdog=${profile}`, 'severity=none')).toBe(AM_RECEIVER_HEARTBEAT);
    expect(await route(`alertname=${RULE_FAILURES_ALERT}`, `slo_profile=${profile}`, 'severity=critical')).toBe(AM_RECEIVER_UNROUTED);
  });
});
