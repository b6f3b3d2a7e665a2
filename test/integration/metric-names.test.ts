/**
 * Every `metricNames` mode end to end: the same recordings reach Prometheus by the paths that write that mode's
 * names, each with the rules generated for them, and every recorded SLI, state and gate verdict is the pull path's.
 *
 *   startAgentSloMetrics (one MeterProvider, pull reader + OTLP reader, the same recordings)
 *     ├─ pull exporter ───────────────────────────────▶ Prometheus 2.42 scrapes   + rules (metricNames default)
 *     └─ OTLP/HTTP ─▶ Prometheus 3 OTLP receiver, translation_strategy of the mode + rules (the mode)
 *   unit-suffixes only — startAgentSloMetrics #2 (same recordings) ─ OTLP ─▶ contrib collector, default naming:
 *     ├─ prometheusremotewrite ─▶ Prometheus 2.42                                  + rules (unit-suffixes)
 *     └─ prometheus exporter ─▶ scraped by Prometheus 2.42                         + rules (unit-suffixes)
 *
 * Modes and Prometheus 3 strategies: unit-suffixes = no `otlp:` block (default UnderscoreEscapingWithSuffixes);
 * utf8 = NoTranslation; utf8-unit-suffixes = NoUTF8EscapingWithSuffixes (both with `prometheusVersion: 3` in the
 * spec, whose rules only Prometheus 3 parses).
 *
 * `agent-slo serve` (/api/slo/status) and `agent-slo review` give the same states and values on every path too.
 *
 * TEST OVERLAYS, as in collector-chain.test.ts (which explains them): rule groups every 2s instead of 5m, and a
 * spec overlay with 1m/3m windows so minutes of traffic give a verdict. SLIs are ratios of one path's own counts,
 * so they agree to 1e-12 even though increase() extrapolates from each path's own sample times.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAgentSloMetrics, type AgentSloMetrics } from '@agent-slo/instrumentation/sdk';
import { type MetricNaming, RECORD_SLI, RECORD_STATE } from '../../src/conventions.js';
import type { GateReport } from '../../src/gate/report/model.js';
import type { ReviewReport } from '../../src/review/report.js';
import { loadProfile } from '../../src/profile/load.js';
import { startServe } from '../../src/serve/server.js';
import type { ObjectiveStatus } from '../../src/serve/status.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { collectorBinary, prometheus3Binary, repoRoot } from '../harness/binaries.js';
import { runCliInProcess } from '../harness/cli.js';
import { GENERATED_BUCKETS } from '../harness/buckets.js';
import { startCollector } from '../harness/collector.js';
import { goBuilt } from '../harness/go-built.js';
import { freePort } from '../../src/stack/free-port.js';
import { contribCollectorConfig } from '../harness/contrib-collector.js';
import { recordBatch } from '../harness/runtime-batch.js';
import { byLabels, eventually, instant, seriesNames } from '../harness/prom-query.js';

const prom3 = await goBuilt(() => prometheus3Binary());
const otelcol = await goBuilt(() => collectorBinary());
const skipReason = prom3.missingReason ?? otelcol.missingReason;
if (skipReason !== undefined) console.warn(`[skipped] metric naming end-to-end test: ${skipReason}`);

const PROFILE = 'runtime-v1';
const SERVICE = 'agent-slo-names';
const TEST_RULE_INTERVAL = '2s';
const TARGET_LABELS = ['job', 'instance'] as const;
const OVERLAY = `# TEST OVERLAY (metric-names.test.ts only): 1m alert / 3m gate windows over the shipped objectives.
defaults:
  windows: { alert: 1m, gate: 3m, target: 3m }
`;

const started: { stop(): Promise<void> }[] = [];
function track<T extends { stop(): Promise<void> }>(thing: T): T {
  started.push(thing);
  return thing;
}
afterEach(async () => {
  for (const thing of started.splice(0).reverse()) await thing.stop();
});

let work: string;
const files = { defaultRules: '', overlay: '', collector: '' };

/** One naming mode: Prometheus 3's OTLP translation strategy for it, its names, and whether the collector writes them. */
interface NamingCase {
  readonly mode: Exclude<MetricNaming, 'otel-js'>;
  /** Prometheus 3 `otlp:` block; none = its default (UnderscoreEscapingWithSuffixes). */
  readonly otlp?: { readonly translation_strategy: string };
  readonly collector: boolean;
  /** A selector for the success tasks counter under this naming (PromQL: quoted on Prometheus 3). */
  readonly successTasks: string;
  /** Series names this naming writes (and the pull path does not). */
  readonly names: readonly string[];
}
const CASES: readonly NamingCase[] = [
  {
    mode: 'unit-suffixes',
    collector: true,
    successTasks: 'agent_tasks_total{agent_task_outcome="success"}',
    names: ['gen_ai_execute_tool_duration_seconds_count', 'gen_ai_invoke_agent_duration_seconds_bucket', 'agent_task_cost_USD_total'],
  },
  {
    mode: 'utf8',
    otlp: { translation_strategy: 'NoTranslation' },
    collector: false,
    successTasks: '{"agent.tasks","agent.task.outcome"="success"}',
    names: ['gen_ai.execute_tool.duration_count', 'gen_ai.invoke_agent.duration_bucket', 'agent.task.cost', 'agent.tasks'],
  },
  {
    mode: 'utf8-unit-suffixes',
    otlp: { translation_strategy: 'NoUTF8EscapingWithSuffixes' },
    collector: false,
    successTasks: '{"agent.tasks_total","agent.task.outcome"="success"}',
    names: ['gen_ai.execute_tool.duration_seconds_count', 'gen_ai.invoke_agent.duration_seconds_bucket', 'agent.task.cost_USD_total', 'agent.tasks_total'],
  },
];
const PULL_SUCCESS_TASKS = 'agent_tasks_total{agent_task_outcome="success"}';

/** The generated rules file with every group's interval shortened (expressions unchanged). */
async function shortIntervals(rules: string, to: string): Promise<string> {
  await writeFile(to, rules.replace(/^(\s*)interval: .*$/gm, `$1interval: ${TEST_RULE_INTERVAL}`));
  return to;
}

/** The shipped profile in `mode` (utf8 modes: Prometheus 3 and the dotted model label), and its generated rules. */
async function modeSpecAndRules(mode: NamingCase['mode']): Promise<{ spec: string; rules: string }> {
  const shipped = await readFile(join(repoRoot(), 'profiles', `${PROFILE}.yaml`), 'utf8');
  const utf8 = mode.startsWith('utf8');
  const text = utf8 ? shipped.replace('modelLabel: gen_ai_request_model', 'modelLabel: gen_ai.request.model') : shipped;
  const spec = join(work, `${PROFILE}.${mode}.yaml`);
  await writeFile(spec, `${text.trimEnd()}\nmetricNames: ${mode}\n${utf8 ? 'prometheusVersion: 3\n' : ''}`);
  const out = join(work, `out-${mode}`);
  const gen = await runCliInProcess(['generate', '--spec', spec, '--out', out]);
  expect(gen.code, gen.err).toBe(0);
  const rules = await shortIntervals(await readFile(join(out, 'rules', PROFILE, 'rules.yaml'), 'utf8'), join(work, `${mode}.rules.yaml`));
  return { spec, rules };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-names-'));
  const defaultRules = await readFile(join(repoRoot(), 'rules', PROFILE, 'rules.yaml'), 'utf8');
  files.defaultRules = await shortIntervals(defaultRules, join(work, 'default.rules.yaml'));
  files.overlay = join(work, 'overlay.yaml');
  await writeFile(files.overlay, OVERLAY);
  files.collector = join(work, 'otelcol-defaults.yaml');
  await writeFile(files.collector, contribCollectorConfig({ pullExporter: true }));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function sdk(opts: { pull: boolean; otlpUrl: string; instance: string }): Promise<AgentSloMetrics> {
  const m = await startAgentSloMetrics({
    serviceName: SERVICE,
    buckets: GENERATED_BUCKETS,
    resourceAttributes: { 'service.instance.id': opts.instance },
    prometheus: opts.pull ? { host: '127.0.0.1', port: 0 } : false,
    otlp: { url: opts.otlpUrl, exportIntervalMillis: 1000 },
    setGlobal: false,
  });
  track({ stop: () => m.shutdown() });
  return m;
}

async function recorded(prom: RunningPrometheus, name: string): Promise<Map<string, number>> {
  return byLabels(await instant(prom.url, `${name}{slo_profile="${PROFILE}"}`), TARGET_LABELS);
}

let auditN = 0;
async function gate(prom: RunningPrometheus, spec: string[], at: number, exitCode = 1): Promise<GateReport> {
  auditN++;
  const args = ['gate', ...spec, '--prometheus-url', prom.url, '--at', String(at), '--overlay', files.overlay, '--format', 'json'];
  const run = await runCliInProcess([...args, '--audit-log', join(work, `audit-${auditN}.jsonl`)]);
  expect(run.code, run.err).toBe(exitCode);
  return JSON.parse(run.out) as GateReport;
}

/** `agent-slo serve`'s /api/slo/status for `spec` (with the test overlay) against `prom`, evaluated at `at`. */
async function served(prom: RunningPrometheus, spec: string, at: number): Promise<Map<string, { state: string; value: unknown }>> {
  const profile = await loadProfile(spec, [files.overlay]);
  const s = await startServe({ profiles: [profile], prometheus: { url: prom.url }, port: 0, cacheSeconds: 0, now: () => at * 1000 });
  try {
    const res = await fetch(`${s.url}/api/slo/status`, { signal: AbortSignal.timeout(30_000) });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, ObjectiveStatus>;
    return new Map(Object.entries(doc).filter(([k]) => k !== '_meta').map(([k, o]) => [k, { state: o.state, value: o.value }]));
  } finally {
    await s.close();
  }
}

/** `agent-slo review --period week` (JSON) for `spec` against `prom` at `at`: per objective, the period's value and state. */
async function reviewed(prom: RunningPrometheus, spec: string[], at: number): Promise<Map<string, { state: string; value: unknown }>> {
  const run = await runCliInProcess(['review', ...spec, '--overlay', files.overlay, '--prometheus-url', prom.url, '--at', String(at), '--format', 'json']);
  expect(run.code, run.err).toBe(0);
  const { reports } = JSON.parse(run.out) as { reports: ReviewReport[] };
  const objectives = reports.flatMap((r) => r.objectives);
  return new Map(objectives.map((o) => [o.name, { state: o.period.state, value: o.period.value }]));
}

function view(r: GateReport): unknown {
  return { verdict: r.verdict, objectives: r.objectives.map((o) => ({ name: o.name, status: o.status, source: o.source })) };
}

describe.skipIf(skipReason !== undefined).each(CASES)('metricNames: $mode, end to end', (c) => {
  it(`Prometheus 3 OTLP (${c.otlp?.translation_strategy ?? 'default translation'})${c.collector ? ' and the collector exporters (defaults)' : ''} give the pull path’s SLIs, states, verdict, serve status and review`, async () => {
    const { spec, rules } = await modeSpecAndRules(c.mode);
    // Prometheus 3's own OTLP receiver with the mode's translation strategy.
    const otlpProm = track(
      await startPrometheus({ binary: prom3.path!, extraArgs: ['--web.enable-otlp-receiver'], ruleFiles: [rules], evaluationInterval: TEST_RULE_INTERVAL, ...(c.otlp ? { otlp: c.otlp } : {}) }),
    );
    const a = await sdk({ pull: true, otlpUrl: `${otlpProm.url}/api/v1/otlp/v1/metrics`, instance: 'names-a' });
    // The reference: the pull exporter of the same SDK, default names.
    const pullTarget = new URL(a.prometheus!.url).host;
    const pull = track(
      await startPrometheus({
        ruleFiles: [files.defaultRules],
        evaluationInterval: TEST_RULE_INTERVAL,
        scrapeInterval: '1s',
        scrapeConfigs: [{ job_name: SERVICE, scrape_interval: '1s', static_configs: [{ targets: [pullTarget] }] }],
      }),
    );
    const paths: Record<string, RunningPrometheus> = { otlp: otlpProm };
    const sdks = [a];
    if (c.collector) {
      // The collector with its exporters at default naming.
      const rwProm = track(await startPrometheus({ ruleFiles: [rules], evaluationInterval: TEST_RULE_INTERVAL }));
      const exporterPort = await freePort();
      const collector = track(
        await startCollector({
          binary: otelcol.path!,
          configFile: files.collector,
          remoteWriteUrl: `${rwProm.url}/api/v1/write`,
          env: { AGENT_SLO_PROM_EXPORTER_ENDPOINT: `127.0.0.1:${exporterPort}` },
        }),
      );
      const scrapeProm = track(
        await startPrometheus({
          ruleFiles: [rules],
          evaluationInterval: TEST_RULE_INTERVAL,
          scrapeInterval: '1s',
          scrapeConfigs: [{ job_name: 'otelcol', scrape_interval: '1s', static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }],
        }),
      );
      sdks.push(await sdk({ pull: false, otlpUrl: `${collector.otlpHttpUrl}/v1/metrics`, instance: 'names-b' }));
      Object.assign(paths, { remoteWrite: rwProm, collectorScrape: scrapeProm });
    }
    const all = { pull, ...paths };

    // Warm-up (every series exists everywhere before the measured traffic), then the measured traffic.
    for (const [n, total] of [[2, 98], [4, 294]] as const) {
      for (const s of sdks) recordBatch(s, n);
      await Promise.all(sdks.map((s) => s.forceFlush()));
      for (const [name, prom] of Object.entries(all)) {
        const probe = name === 'pull' ? PULL_SUCCESS_TASKS : c.successTasks;
        await eventually(() => instant(prom.url, probe).then((s) => s[0]?.value), (v) => v === total, 30_000, `${c.mode} ${name}: ${total} tasks`);
      }
      await sleep(n === 2 ? 10_000 : 15_000);
    }

    // The mode's paths really carry its names (and not the pull path's), and the pull path does not.
    for (const [name, prom] of Object.entries(paths)) {
      const names = await seriesNames(prom.url, '{__name__=~"(agent|gen_ai)[._][^:]+"}');
      expect(names, name).toEqual(expect.arrayContaining([...c.names]));
      expect(names, name).not.toContain('gen_ai_execute_tool_duration_count');
    }
    const pullNames = await seriesNames(pull.url, '{__name__=~"gen_ai_execute_tool.+"}');
    expect(pullNames).toContain('gen_ai_execute_tool_duration_count');
    for (const n of c.names) expect(pullNames).not.toContain(n);

    // Recorded SLIs: the same series and values (to 1e-12) on every path; states identical.
    const reference = { sli: await recorded(pull, RECORD_SLI), state: await recorded(pull, RECORD_STATE) };
    expect(reference.sli.size).toBeGreaterThanOrEqual(5);
    for (const [name, prom] of Object.entries(paths)) {
      const sli = await recorded(prom, RECORD_SLI);
      expect([...sli.keys()].sort(), name).toEqual([...reference.sli.keys()].sort());
      for (const [k, v] of sli) expect(Math.abs(v - reference.sli.get(k)!), `${name} ${k}: ${v} vs ${reference.sli.get(k)!}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
      expect(await recorded(prom, RECORD_STATE), name).toEqual(reference.state);
    }

    // The gate (short-window overlay): the same verdict, statuses and values on every path.
    const at = Math.floor(Date.now() / 1000);
    const ref = await gate(pull, ['--profile', PROFILE], at);
    expect(ref.verdict).toBe('blocked');
    for (const [name, prom] of Object.entries(paths)) {
      const r = await gate(prom, ['--spec', spec], at);
      expect(view(r), name).toEqual(view(ref));
      for (const o of r.objectives) {
        const v = ref.objectives.find((x) => x.name === o.name)!.value as number;
        expect(Math.abs((o.value as number) - v), `${name} ${o.name}: ${String(o.value)} vs ${v}`).toBeLessThan(1e-9);
      }
    }
    // serve: the same states and values as on the pull path.
    const shippedSpec = join(repoRoot(), 'profiles', `${PROFILE}.yaml`);
    const refServed = await served(pull, shippedSpec, at);
    expect(refServed.size).toBeGreaterThanOrEqual(5);
    expect([...refServed.values()].filter((o) => typeof o.value === 'number').length, 'served values from data').toBeGreaterThanOrEqual(5);
    for (const [name, prom] of Object.entries(paths)) {
      const got = await served(prom, spec, at);
      expect([...got.keys()].sort(), name).toEqual([...refServed.keys()].sort());
      for (const [k, o] of got) {
        const r = refServed.get(k)!;
        expect(o.state, `${name} ${k}`).toBe(r.state);
        if (typeof r.value === 'number') expect(Math.abs((o.value as number) - r.value), `${name} ${k}: ${String(o.value)} vs ${r.value}`).toBeLessThan(1e-9);
        else expect(o.value, `${name} ${k}`).toEqual(r.value);
      }
    }
    // review: the same period values and states as on the pull path.
    const refReview = await reviewed(pull, ['--profile', PROFILE], at);
    expect(refReview.size).toBeGreaterThanOrEqual(5);
    expect([...refReview.values()].filter((o) => typeof o.value === 'number').length, 'review values from data').toBeGreaterThanOrEqual(5);
    for (const [name, prom] of Object.entries(paths)) {
      const got = await reviewed(prom, ['--spec', spec], at);
      expect([...got.keys()].sort(), name).toEqual([...refReview.keys()].sort());
      for (const [k, o] of got) {
        const r = refReview.get(k)!;
        expect(o.state, `review ${name} ${k}`).toBe(r.state);
        if (typeof r.value === 'number') expect(Math.abs((o.value as number) - r.value), `review ${name} ${k}: ${String(o.value)} vs ${r.value}`).toBeLessThan(1e-9);
        else expect(o.value, `review ${name} ${k}`).toEqual(r.value);
      }
    }
    // Without metricNames the rules and the gate find nothing on this path: cannot evaluate (exit 3).
    const unnamed = await gate(otlpProm, ['--profile', PROFILE], at, 3);
    expect(unnamed.verdict).toBe('cannot_evaluate');
    console.info(`[metric names] ${c.mode}: verdict on every path: ${ref.verdict}; ${ref.objectives.map((o) => `${o.name}=${String(o.value)}`).join(' ')}`);
  }, 300_000);
});
