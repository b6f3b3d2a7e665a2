/**
 * The generated Alertmanager configs against the real `amtool` 0.25: every config (as committed and as rendered)
 * passes `amtool check-config`, and `amtool config routes test` sends every objective × severity × alert kind to the
 * receivers document 002's ownership matrix names. The expectations below are written from the document, not
 * from the generator.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AlertmanagerRenderError, renderAlertmanagerConfig, requiredEnv } from '../../src/generate/alertmanager/render.js';
import { alertmanagerConfig, generateAlertmanager } from '../../src/generate/alertmanager/config.js';
import { severityOrder } from '../../src/generate/alertmanager/severity.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';

const run = promisify(execFile);
const PROFILES = ['kokino', 'runtime-v1'] as const;

/** Document 002, "Ownership Matrix" + runbooks' escalation lines ("Page @platform-lead", "Immediate page to @data-team lead"). */
const KOKINO_MATRIX = {
  availability: { owner: 'backend-team', lead: 'platform-lead', channel: 'headless-alerts', leadSeverity: 'P1' },
  latency_p95: { owner: 'backend-team', lead: 'platform-lead', channel: 'headless-alerts', leadSeverity: 'P2' },
  shadow_correctness: { owner: 'qa-team', lead: 'qa-lead', channel: 'shadow-mode-alerts', leadSeverity: 'P2' },
  data_integrity: { owner: 'data-team', lead: 'data-lead', channel: 'critical-alerts', leadSeverity: 'P1' },
  memory_per_execution: { owner: 'ops-team', lead: 'ops-lead', channel: 'ops-alerts', leadSeverity: 'P2' },
} as const;

const RUNTIME_OBJECTIVES = ['tool_success_rate', 'model_fallback_rate', 'response_latency_p95', 'cost_per_successful_task', 'escalation_rate'];

interface Case {
  labels: Record<string, string>;
  expected: string[];
}

function kokinoCases(): Case[] {
  const cases: Case[] = [];
  for (const [objective, row] of Object.entries(KOKINO_MATRIX)) {
    for (const severity of ['P1', 'P2']) {
      for (const kind of ['threshold', 'burn_rate', 'budget_exhausted', 'zero_tolerance', 'no_data']) {
        const expected = [`slack:${row.owner}:${row.channel}`];
        if (severity === 'P1') expected.push(`pager:${row.owner}`); // "P1 additionally pages the owner"
        cases.push({ labels: { slo_profile: 'kokino', slo_objective: objective, severity, slo_alert: kind, owner: `@${row.owner}` }, expected });
      }
    }
    // Escalation alerts go to the lead in the objective's channel, paged when the escalation's severity is P1.
    const esc = [`slack:${row.lead}:${row.channel}`];
    if (row.leadSeverity === 'P1') esc.push(`pager:${row.lead}`);
    cases.push({ labels: { slo_profile: 'kokino', slo_objective: objective, severity: row.leadSeverity, slo_alert: 'escalation', escalation: `@${row.lead}` }, expected: esc });
  }
  cases.push({ labels: { slo_profile: 'kokino', slo_objective: 'not_an_objective', severity: 'P1' }, expected: ['slack:unrouted'] });
  return cases;
}

function runtimeCases(): Case[] {
  const cases: Case[] = [];
  for (const objective of RUNTIME_OBJECTIVES) {
    for (const severity of ['warning', 'critical']) {
      for (const kind of ['threshold', 'no_data']) {
        const expected = ['slack:ai-platform:ai-runtime-alerts'];
        if (severity === 'critical') expected.push('pager:ai-platform');
        cases.push({ labels: { slo_profile: 'runtime-v1', slo_objective: objective, severity, slo_alert: kind }, expected });
      }
    }
  }
  cases.push({ labels: { slo_profile: 'someone-else', slo_objective: 'tool_success_rate', severity: 'critical' }, expected: ['slack:unrouted'] });
  return cases;
}

let dir: string;
const profiles = new Map<string, Profile>();
const configFile = (name: string): string => join(dir, 'alertmanager', name, 'alertmanager.yml');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-amtest-'));
  for (const name of PROFILES) {
    const profile = await loadProfile(`profiles/${name}.yaml`);
    profiles.set(name, profile);
    for (const f of generateAlertmanager(profile)) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true });
      await writeFile(join(dir, f.path), f.content);
    }
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function routesTest(file: string, labels: Record<string, string>): Promise<string[]> {
  const args = ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const { stdout } = await run('amtool', args);
  return stdout.trim().split(',').sort();
}

describe('amtool check-config', () => {
  it.each(PROFILES)('%s: the generated config and its template pass', async (name) => {
    const { stdout } = await run('amtool', ['check-config', configFile(name)]);
    expect(stdout).toContain('SUCCESS');
    expect(stdout).toMatch(/1 templates/);
    expect(stdout).not.toMatch(/FAILED/);
  });

  it.each(PROFILES)('%s: the rendered config passes too, with the URL from the environment', async (name) => {
    const text = generateAlertmanager(profiles.get(name)!)[0]!.content;
    const env = profiles.get(name)!.notifications.webhookUrlEnv!;
    const rendered = renderAlertmanagerConfig(text, { [env]: 'https://pager.example.test/hook?token=abc' }, { templatesDir: join(dir, 'alertmanager', name, 'templates') });
    const file = join(dir, `${name}-rendered.yml`);
    await writeFile(file, rendered);
    const { stdout } = await run('amtool', ['check-config', file]);
    expect(stdout).toContain('SUCCESS');
    expect(rendered).toContain('https://pager.example.test/hook?token=abc');
    expect(rendered).not.toContain('agent-slo.invalid');
  });

  it('amtool rejects a broken config (the check can fail)', async () => {
    const file = join(dir, 'broken.yml');
    await writeFile(file, generateAlertmanager(profiles.get('kokino')!)[0]!.content.replace('receiver: slack:ops-team:ops-alerts', 'receiver: slack:nobody'));
    const failed = await run('amtool', ['check-config', file]).then(
      () => undefined,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(`${failed?.stdout}${failed?.stderr}`).toMatch(/undefined receiver "slack:nobody"/);
  });
});

describe('amtool config routes test: ownership matrix', () => {
  it('kokino: every objective × severity × alert kind, escalations and unknown objectives', async () => {
    const cases = kokinoCases();
    expect(cases.length).toBeGreaterThanOrEqual(55);
    const got = await Promise.all(cases.map((c) => routesTest(configFile('kokino'), c.labels)));
    const failures = cases.flatMap((c, i) => (JSON.stringify(got[i]) === JSON.stringify([...c.expected].sort()) ? [] : [`${JSON.stringify(c.labels)} → ${got[i]!.join(',')} (expected ${c.expected.join(',')})`]));
    expect(failures).toEqual([]);
  });

  it('runtime-v1: every objective × severity → the ai-platform channel, critical also pages', async () => {
    const cases = runtimeCases();
    const got = await Promise.all(cases.map((c) => routesTest(configFile('runtime-v1'), c.labels)));
    const failures = cases.flatMap((c, i) => (JSON.stringify(got[i]) === JSON.stringify([...c.expected].sort()) ? [] : [`${JSON.stringify(c.labels)} → ${got[i]!.join(',')} (expected ${c.expected.join(',')})`]));
    expect(failures).toEqual([]);
  });
});

describe('generated config', () => {
  it.each(PROFILES)('%s: no secrets: Slack reads api_url_file, webhooks carry only env placeholders', (name) => {
    const profile = profiles.get(name)!;
    const [config, template] = generateAlertmanager(profile);
    const doc = parse(config!.content) as { receivers: { name: string; slack_configs?: Record<string, unknown>[]; webhook_configs?: Record<string, unknown>[] }[] };
    for (const r of doc.receivers) {
      for (const s of r.slack_configs ?? []) {
        expect(s.api_url_file).toBe(profile.notifications.slackApiUrlFile);
        expect(s).not.toHaveProperty('api_url');
      }
      for (const w of r.webhook_configs ?? []) expect(w.url).toBe(`http://env.agent-slo.invalid/${profile.notifications.webhookUrlEnv}`);
    }
    const urls = config!.content.match(/https?:\/\/[^\s'"]+/g) ?? [];
    expect(urls.every((u) => u.startsWith('http://env.agent-slo.invalid/'))).toBe(true);
    expect(requiredEnv(config!.content)).toEqual([profile.notifications.webhookUrlEnv]);
    expect(template!.content).toMatch(/Metric:.*Observed:.*Threshold:.*Window:.*Runbook:/s);
  });

  it('groups by objective and inhibits lower severities of the same objective, never escalations', () => {
    const kokino = alertmanagerConfig(profiles.get('kokino')!);
    expect(kokino.route.group_by).toContain('slo_objective');
    expect(severityOrder(profiles.get('kokino')!)).toEqual(['P1', 'P2']);
    expect(kokino.inhibit_rules).toEqual([
      {
        source_matchers: ['slo_profile="kokino"', 'severity="P1"', 'slo_alert!="budget_exhausted"'],
        target_matchers: ['slo_profile="kokino"', 'severity="P2"', 'slo_alert!="escalation"'],
        equal: ['slo_profile', 'slo_objective'],
      },
    ]);
    const runtime = alertmanagerConfig(profiles.get('runtime-v1')!);
    expect(runtime.inhibit_rules.map((r) => [r.source_matchers[1], r.target_matchers[1]])).toEqual([['severity="critical"', 'severity="warning"']]);
  });

  it('is deterministic', () => {
    const p = profiles.get('kokino')!;
    expect(generateAlertmanager(p)).toEqual(generateAlertmanager(p));
  });
});

describe('renderAlertmanagerConfig', () => {
  const text = (): string => generateAlertmanager(profiles.get('kokino')!)[0]!.content;

  it('names the missing variable', () => {
    expect(() => renderAlertmanagerConfig(text(), {})).toThrow(AlertmanagerRenderError);
    expect(() => renderAlertmanagerConfig(text(), {})).toThrow(/\$AGENT_SLO_PAGER_URL not set/);
  });

  it('rejects non-http URLs', () => {
    expect(() => renderAlertmanagerConfig(text(), { AGENT_SLO_PAGER_URL: 'ftp://x/y' })).toThrow(/http: or https:/);
    expect(() => renderAlertmanagerConfig(text(), { AGENT_SLO_PAGER_URL: 'not a url' })).toThrow(/not a URL/);
  });

  it('applies the Slack file, template dir and timing overrides', () => {
    const out = parse(renderAlertmanagerConfig(text(), { AGENT_SLO_PAGER_URL: 'http://127.0.0.1:1/p' }, { slackApiUrlFile: '/tmp/s', templatesDir: '/opt/t', timing: { groupWait: '1s' } })) as {
      route: { group_wait: string };
      templates: string[];
      receivers: { slack_configs?: { api_url_file: string }[] }[];
    };
    expect(out.route.group_wait).toBe('1s');
    expect(out.templates).toEqual(['/opt/t/agent-slo.tmpl']);
    expect(out.receivers.flatMap((r) => r.slack_configs ?? []).every((s) => s.api_url_file === '/tmp/s')).toBe(true);
  });
});

describe('agent-slo render-alertmanager (compiled CLI)', () => {
  it('renders the committed kokino config from the environment into a 0600 file that amtool accepts', async () => {
    const { runAgentSlo } = await import('../harness/cli.js');
    const { stat } = await import('node:fs/promises');
    const out = join(dir, 'cli-rendered.yml');
    const r = runAgentSlo(['render-alertmanager', 'alertmanager/kokino/alertmanager.yml', '--out', out], { env: { AGENT_SLO_PAGER_URL: 'https://pager.example.test/k' } });
    expect(r.stderr).toContain('webhook URLs from $AGENT_SLO_PAGER_URL');
    expect(r.code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const { stdout } = await run('amtool', ['check-config', out]);
    expect(stdout).toContain('SUCCESS');
  });

  it('exits 64 and names the variable when it is not set', async () => {
    const { runAgentSlo } = await import('../harness/cli.js');
    const r = runAgentSlo(['render-alertmanager', 'alertmanager/kokino/alertmanager.yml'], { env: { AGENT_SLO_PAGER_URL: '' } });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('$AGENT_SLO_PAGER_URL not set');
    expect(r.stdout).toBe('');
  });
});
