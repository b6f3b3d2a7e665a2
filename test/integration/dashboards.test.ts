/**
 * Every query of both generated dashboards, run against a real Prometheus that evaluates the generated rules of both
 * profiles over scraped data for every objective: each returns without error, and each that should have data
 * (everything but the list of firing alerts) has data. Rule groups are evaluated every second here (a test overlay;
 * ratios do not depend on the interval) so that recorded series appear in seconds.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { COUNTER_SIGNALS, HISTOGRAM_SIGNALS, promHistogram } from '../../src/conventions.js';
import { buildDashboard, type PanelQuery } from '../../src/generate/grafana/dashboards.js';
import { generateRuleFile } from '../../src/generate/prometheus/rules.js';
import { loadProfile } from '../../src/profile/load.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';

const PROFILES = ['kokino', 'runtime-v1'] as const;

function fastIntervals(rulesYaml: string): string {
  const doc = parse(rulesYaml) as { groups: { interval?: string }[] };
  for (const g of doc.groups) g.interval = '1s';
  return stringify(doc, { lineWidth: 0 });
}

const sel = (s: { matchers: readonly { label: string; value: string }[] }, extra = ''): string =>
  [...s.matchers.filter((m) => m.value !== '').map((m) => `${m.label}="${m.value}"`), ...(extra === '' ? [] : [extra])].join(',');

function histogram(metric: string, labels: string, les: readonly [string, number][], count: number, sum: number): string[] {
  const h = promHistogram(metric);
  const l = (extra: string): string => `{${[labels, extra].filter((x) => x !== '').join(',')}}`;
  return [...les.map(([le, v]) => `${h.bucket}${l(`le="${le}"`)} ${v}`), `${h.bucket}${l('le="+Inf"')} ${count}`, `${h.count}${l('')} ${count}`, `${h.sum}${l('')} ${sum}`];
}

/** Traffic for every objective of both profiles (n events so far). */
function exposition(n: number): string {
  const c = COUNTER_SIGNALS;
  const hs = HISTOGRAM_SIGNALS;
  const tool = promHistogram(hs.tool_duration.metric).count;
  const errLabel = c.tool_calls_failed.matchers[0].label;
  const lines = [
    // kokino
    `${c.executions_completed.metric}{${sel(c.executions_completed)}} ${0.995 * n}`,
    `${c.executions_failed.metric}{${sel(c.executions_failed)}} ${0.005 * n}`,
    ...histogram(hs.execution_duration.metric, sel(hs.execution_duration), [['1', 0.5 * n], ['30', 0.95 * n], ['60', n]], n, 12 * n),
    ...histogram(hs.execution_memory.metric, sel(hs.execution_memory), [['500000000', 0.9 * n], ['1000000000', n]], n, 4e8 * n),
    `${c.shadow_matches.metric}{${sel(c.shadow_matches)}} ${0.97 * n}`,
    `${c.shadow_mismatches.metric}{${sel(c.shadow_mismatches)}} ${0.03 * n}`,
    `${c.conversations.metric} ${n}`,
    `${c.integrity_failures.metric} 0`,
    // runtime-v1
    `${tool}{gen_ai_tool_name="search"} ${0.98 * n}`,
    `${tool}{gen_ai_tool_name="search",${errLabel}="timeout"} ${0.02 * n}`,
    `${promHistogram(hs.model_call_duration.metric).count} ${n}`,
    `${c.model_fallbacks.metric} ${0.04 * n}`,
    ...histogram(hs.response_latency.metric, sel(hs.response_latency), [['1', 0.5 * n], ['8', 0.9 * n], ['10', 0.96 * n], ['15', 0.99 * n]], n, 4 * n),
    `${c.tasks_succeeded.metric}{${sel(c.tasks_succeeded)}} ${0.9 * n}`,
    `${c.tasks_failed.metric}{${sel(c.tasks_failed)}} ${0.05 * n}`,
    `${c.tasks_escalated.metric}{${sel(c.tasks_escalated)}} ${0.05 * n}`,
    `${c.task_cost_usd.metric} ${0.1 * n}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Grafana's variables as Grafana would substitute them; the datasource variable selects the server, not the query. */
function substitute(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('$__range', '1h').replaceAll('${datasource}', '').replaceAll('$datasource', '');
}

let dir: string;
let target: Server;
let prom: RunningPrometheus;
const queries = new Map<string, PanelQuery[]>();

interface ApiAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

async function run(q: PanelQuery): Promise<ApiAnswer> {
  const expr = substitute(q.expr);
  const now = Date.now() / 1000;
  const params = q.instant ? new URLSearchParams({ query: expr, time: String(now) }) : new URLSearchParams({ query: expr, start: String(now - 120), end: String(now), step: '5' });
  const res = await fetch(`${prom.url}/api/v1/${q.instant ? 'query' : 'query_range'}`, { method: 'POST', body: params });
  return (await res.json()) as ApiAnswer;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-dash-'));
  const start = Date.now();
  target = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(Math.round(100 * (Date.now() - start) / 1000) + 100));
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const ruleFiles: string[] = [];
  await mkdir(join(dir, 'rules'));
  for (const name of PROFILES) {
    const profile = await loadProfile(`profiles/${name}.yaml`);
    queries.set(name, buildDashboard(profile).queries);
    const file = join(dir, 'rules', `${name}.yml`);
    await writeFile(file, fastIntervals(generateRuleFile(profile, `profiles/${name}.yaml`).content));
    ruleFiles.push(file);
  }
  prom = await startPrometheus({
    ruleFiles,
    scrapeConfigs: [{ job_name: 'agents', scrape_interval: '1s', static_configs: [{ targets: [`127.0.0.1:${(target.address() as AddressInfo).port}`] }] }],
    evaluationInterval: '1s',
  });
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await new Promise((r) => target?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe.each(PROFILES)('%s dashboard queries against Prometheus with the generated rules', (name) => {
  it('every query succeeds, and every query that should have data has it', async () => {
    const qs = queries.get(name)!;
    expect(qs.length).toBeGreaterThan(10);
    let missing: string[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      const answers = await Promise.all(qs.map(run));
      const errors = answers.flatMap((a, i) => (a.status === 'success' ? [] : [`${qs[i]!.panelTitle}: ${a.error} (${qs[i]!.expr})`]));
      expect(errors).toEqual([]);
      missing = answers.flatMap((a, i) => (qs[i]!.expectData && (a.data?.result.length ?? 0) === 0 ? [`#${qs[i]!.panelId} ${qs[i]!.panelTitle}: ${qs[i]!.expr}`] : []));
      if (missing.length === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(missing).toEqual([]);
  });

  it('queries carry no unsubstituted variable', () => {
    for (const q of queries.get(name)!) expect(substitute(q.expr)).not.toContain('$');
  });
});
