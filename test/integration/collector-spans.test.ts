/**
 * The span path, end to end, with the real collector (shipped otelcol.yaml + the generated otelcol-spans.yaml +
 * otelcol-span-settings.yaml generated from a prices file) and the GENERATED rules of runtime-v1, against the in-process metrics of the same workload:
 *
 *   rt-inproc   Node: OpenInference spans → AgentSloSpanProcessor → metrics over OTLP; its spans ALSO go to the
 *               collector (marked agent.metrics.in_process: must not be counted again)
 *   rt-go       Go (OpenTelemetry Go SDK, test/runtimes/go-agent): GenAI spans only
 *   rt-node     Node: OpenLLMetry spans only
 *   rt-sampled  Node: GenAI spans only, in a trace sampled at 50 % (tracestate ot=th:8): adjusted count 2
 *     all ──OTLP/HTTP──▶ one otelcol-agent-slo ──remote write──▶ Prometheus 2.42 + rules/runtime-v1 (2 s interval)
 *
 * Exact comparisons: span timestamps are explicit and every duration / token count lies ≥ 5 % from a bucket
 * boundary (span-workload.ts), so counts and bucket counts are equal to the unit; sums (float) to 1e-9.
 * Recorded rules: the generated rules once per runtime (spec overlay: `metadata.name` spans-<job>, `selector`
 * job=<job>), so each runtime's recorded SLIs and states can be compared with the in-process runtime's. Every SLI
 * is a ratio of one runtime's own series, which arrive together (one export / one span batch per round), so the
 * ratios are equal to 1e-9 however increase() extrapolates each path's sample times.
 * Gate: the short-window TEST OVERLAY of collector-chain.test.ts, once per runtime with --selector job=….
 * Naming modes: the same test with the shipped collector config (metricNames default), with a contrib-defaults
 * config whose exporter adds unit suffixes (metricNames: unit-suffixes), and with remote write 2.0 at
 * NoTranslation into Prometheus 3 (metricNames: utf8). The span overlay hands its series to the base config's
 * `metrics` pipeline, so they get its naming.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AgentSloSpanProcessor, type CardinalityOptions } from '@agent-slo/instrumentation';
import { startAgentSloMetrics, type AgentSloMetrics } from '@agent-slo/instrumentation/sdk';
import { stringify } from 'yaml';
import { COLLECTOR_SPANS_FILE } from '../../src/generate/collector/spans.js';
import { SPAN_SETTINGS_FILE } from '../../src/generate/collector/settings.js';
import type { GateReport } from '../../src/gate/report/model.js';
import { collectorBinary, prometheus3Binary, repoRoot, shippedCollectorConfig } from '../harness/binaries.js';
import { startCollector, type RunningCollector } from '../harness/collector.js';
import { goAgentBinary } from '../harness/go-agent.js';
import { goBuilt } from '../harness/go-built.js';
import { runCliInProcess } from '../harness/cli.js';
import { trackStack } from '../harness/stack.js';
import { GENERATED_BUCKETS } from '../harness/buckets.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { RECORD_SLI, RECORD_STATE } from '../../src/conventions.js';
import { byLabels, eventually, instant, labelKey, type Sample } from '../harness/prom-query.js';
import { contribCollectorConfig } from '../harness/contrib-collector.js';
import { assertSafeValues, emitNodeSpans, goWorkload, toolWorkload, workload, WORKLOAD_PRICES, type Convention } from '../harness/span-workload.js';

const otelcol = await goBuilt(() => collectorBinary());
const goAgent = await goBuilt(() => goAgentBinary());
const prom3 = await goBuilt(() => prometheus3Binary()); // the utf8 naming mode only
const skipReason = otelcol.missingReason ?? goAgent.missingReason;
if (skipReason !== undefined) console.warn(`[skipped] collector span-path tests: ${skipReason}`);

const PROFILE = 'runtime-v1';
/** Every project series, in any naming mode (utf8 names keep the dots). */
const PROJECT_SERIES = '{__name__=~"(agent|gen_ai)[._][^:]+"}';
const CONNECTOR_SCOPE = 'github.com/open-telemetry/opentelemetry-collector-contrib/connector/signaltometricsconnector';
/** job/instance name the runtime; the scope and the deriving collector's instance differ by design; rules aggregate them away. */
const NOT_COMPARED = ['job', 'instance', 'otel_scope_name', 'otel_scope_version', 'agent_slo_collector_instance', 'agent_slo.collector.instance'] as const;
const TEST_RULE_INTERVAL = '2s';
const SHORT_WINDOWS_OVERLAY = `# TEST OVERLAY (collector-spans.test.ts only): runtime-v1 with 1m alert / 3m gate windows.
defaults:
  windows: { alert: 1m, gate: 3m, target: 3m }
`;


const JOBS = ['rt-inproc', 'rt-go', 'rt-node', 'rt-sampled'] as const;
type Job = (typeof JOBS)[number];
/** The profile name of a runtime's own copy of the generated rules. */
const jobProfile = (job: Job): string => `spans-${job}`;

interface NamingMode {
  name: string;
  /** The spec arguments of generate/gate for this naming. */
  spec: () => string[];
  /** The collector's base config (the span overlay and the prices are merged over it). */
  base: () => string;
  /** Series names in this mode: tool calls (histogram count), tasks, rejected recordings. */
  names: { toolCount: string; tasks: string; rejected: string };
  /** A label name in this mode (utf8 modes keep the attribute's dots). */
  label: (attribute: string) => string;
  /** Prometheus 3 instead of 2.42, with these flags. */
  prometheus3Args?: readonly string[];
  /** Collector command-line arguments (feature gates). */
  collectorArgs?: readonly string[];
}

const track = trackStack();

let work: string;
let overlayFile: string;
let pricesFile: string;
let suffixSpec: string;
let contribDefaults: string;
let utf8Spec: string;
let utf8Base: string;
beforeAll(async () => {
  assertSafeValues();
  work = await mkdtemp(join(tmpdir(), 'agent-slo-spans-'));
  suffixSpec = join(work, `${PROFILE}.unit-suffixes.yaml`);
  await writeFile(suffixSpec, `${(await readFile(join(repoRoot(), 'profiles', `${PROFILE}.yaml`), 'utf8')).trimEnd()}\nmetricNames: unit-suffixes\n`);
  contribDefaults = join(work, 'otelcol-contrib-defaults.yaml');
  // The span overlay needs only otlp, memory_limiter and the metrics pipeline from its base config.
  await writeFile(contribDefaults, contribCollectorConfig({ memoryLimiter: true }));
  utf8Spec = join(work, `${PROFILE}.utf8.yaml`);
  await writeFile(utf8Spec, `${(await readFile(join(repoRoot(), 'profiles', `${PROFILE}.yaml`), 'utf8')).trimEnd()}\nmetricNames: utf8\nprometheusVersion: 3\n`);
  utf8Base = join(work, 'otelcol-utf8.yaml');
  await writeFile(utf8Base, contribCollectorConfig({ memoryLimiter: true, remoteWrite: { protobuf_message: 'io.prometheus.write.v2.Request', translation_strategy: 'NoTranslation' } }));
  overlayFile = join(work, 'short-windows.overlay.yaml');
  await writeFile(overlayFile, SHORT_WINDOWS_OVERLAY);
  // The prices as a user deploys them: a settings file that `agent-slo generate --span-settings` turns into collector config.
  pricesFile = await generatedSpanSettings('prices', { priceTable: WORKLOAD_PRICES });
});

/** collector-config/otelcol-span-settings.yaml generated by the CLI from a settings file with these contents. */
async function generatedSpanSettings(name: string, settings: object): Promise<string> {
  const dir = join(work, `span-settings-${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'span-settings.yaml'), stringify(settings));
  const gen = await runCliInProcess(['generate', '--profile', PROFILE, '--span-settings', join(dir, 'span-settings.yaml'), '--out', dir]);
  expect(gen.code, gen.err).toBe(0);
  return join(dir, SPAN_SETTINGS_FILE);
}
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const underscores = (attribute: string): string => attribute.replaceAll('.', '_');
const MODES: NamingMode[] = [
  {
    name: 'metricNames default (shipped collector config)',
    spec: () => ['--profile', PROFILE],
    base: () => shippedCollectorConfig(),
    names: { toolCount: 'gen_ai_execute_tool_duration_count', tasks: 'agent_tasks_total', rejected: 'agent_instrumentation_rejected_total' },
    label: underscores,
  },
  {
    name: 'metricNames: unit-suffixes (contrib exporter defaults)',
    spec: () => ['--spec', suffixSpec],
    base: () => contribDefaults,
    names: { toolCount: 'gen_ai_execute_tool_duration_seconds_count', tasks: 'agent_tasks_total', rejected: 'agent_instrumentation_rejected_total' },
    label: underscores,
  },
  {
    // The collector writes UTF-8 names only over remote write 2.0 (alpha in 0.161: a feature gate), into Prometheus 3.
    name: 'metricNames: utf8 (remote write 2.0, NoTranslation, Prometheus 3)',
    spec: () => ['--spec', utf8Spec],
    base: () => utf8Base,
    names: { toolCount: 'gen_ai.execute_tool.duration_count', tasks: 'agent.tasks', rejected: 'agent.instrumentation.rejected' },
    label: (attribute) => attribute,
    prometheus3Args: ['--web.remote-write-receiver.accepted-protobuf-messages=io.prometheus.write.v2.Request'],
    collectorArgs: ['--feature-gates=exporter.prometheusremotewritexporter.enableSendingRW2'],
  },
];

const spansConfig = (base = shippedCollectorConfig()): string[] => [base, join(repoRoot(), COLLECTOR_SPANS_FILE), pricesFile];

/** The generated rules once per runtime: named spans-<job>, selecting job=<job> (spec `selector`), groups every 2 s. */
async function perJobRules(mode: NamingMode): Promise<string[]> {
  const out: string[] = [];
  for (const job of JOBS) {
    const dir = join(work, `rules-${job}-${mode.spec().join('')}`.replace(/[^\w.-]/g, '_'));
    const overlay = join(dir, 'job.overlay.yaml');
    await mkdir(dir, { recursive: true });
    await writeFile(overlay, `# TEST OVERLAY: this runtime's series only\nmetadata: { name: ${jobProfile(job)} }\nselector: { job: ${job} }\n`);
    const gen = await runCliInProcess(['generate', ...mode.spec(), '--overlay', overlay, '--out', dir]);
    expect(gen.code, gen.err).toBe(0);
    const generated = await readFile(join(dir, 'rules', jobProfile(job), 'rules.yaml'), 'utf8');
    const file = join(dir, 'rules.test.yaml');
    await writeFile(file, `# TEST OVERLAY: generated rules, every group's interval ${TEST_RULE_INTERVAL}\n${generated.replace(/^(\s*)interval: .*$/gm, `$1interval: ${TEST_RULE_INTERVAL}`)}`);
    out.push(file);
  }
  return out;
}

/** A runtime's recorded series of one kind (agent_slo:sli, agent_slo:state), keyed without the profile label. */
async function recorded(prom: RunningPrometheus, record: string, job: Job): Promise<Map<string, number>> {
  return byLabels(await instant(prom.url, `${record}{slo_profile="${jobProfile(job)}"}`), ['__name__', 'slo_profile']);
}

function tracerProvider(collector: RunningCollector, service: string, extra: ConstructorParameters<typeof BasicTracerProvider>[0] = {}): BasicTracerProvider {
  const exporter = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.otlpHttpUrl}/v1/traces` }), { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 100 });
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1` }),
    ...extra,
    spanProcessors: [...(extra.spanProcessors ?? []), exporter],
  });
}

/** rt-inproc: spans → AgentSloSpanProcessor → metrics over OTLP to the collector (its spans go there too, marked). */
async function inProcessRuntime(collector: RunningCollector, cardinality?: CardinalityOptions): Promise<{ metrics: AgentSloMetrics; tracer: BasicTracerProvider }> {
  const metrics = await startAgentSloMetrics({
    serviceName: 'rt-inproc',
    buckets: GENERATED_BUCKETS,
    resourceAttributes: { 'service.instance.id': 'rt-inproc-1' },
    prometheus: false,
    otlp: { url: `${collector.otlpHttpUrl}/v1/metrics`, exportIntervalMillis: 1000 },
    setGlobal: false,
    priceTable: WORKLOAD_PRICES,
    ...(cardinality !== undefined ? { cardinality } : {}),
  });
  track({ stop: () => metrics.shutdown() });
  const tracer = tracerProvider(collector, 'rt-inproc', { spanProcessors: [new AgentSloSpanProcessor({ recorder: metrics.recorder })] });
  track({ stop: () => tracer.shutdown() });
  return { metrics, tracer };
}

/** The four runtimes of the header, pointed at one collector. `send(rounds, round0)` emits one slice of the workload on all. */
async function runtimes(collector: RunningCollector): Promise<{ send(rounds: number, round0: number): Promise<void> }> {
  const { metrics, tracer: inproc } = await inProcessRuntime(collector);
  const node = tracerProvider(collector, 'rt-node');
  const sampled = tracerProvider(collector, 'rt-sampled');
  for (const p of [node, sampled]) track({ stop: () => p.shutdown() });
  const base = BigInt(Date.now()) * 1_000_000n;
  return {
    async send(rounds, round0) {
      const spans = workload(rounds, round0);
      emitNodeSpans(inproc.getTracer('my-openinference-app'), spans, 'openinference', base);
      emitNodeSpans(node.getTracer('my-openllmetry-app'), spans, 'openllmetry', base);
      emitNodeSpans(sampled.getTracer('my-genai-app'), spans, 'gen_ai', base, { traceState: 'ot=th:8' });
      const file = join(work, `go-workload-${round0}.json`);
      await writeFile(file, goWorkload(spans, 'gen_ai' satisfies Convention, base, collector.otlpHttpUrl, { 'service.name': 'rt-go', 'service.instance.id': 'rt-go-1' }));
      const go = promisify(execFile)(goAgent.path!, [file], { timeout: 60_000 });
      await Promise.all([inproc.forceFlush(), node.forceFlush(), sampled.forceFlush(), go]);
      await metrics.forceFlush();
    },
  };
}

/** Raw project series of one job, keyed by their labels without job/instance/scope. */
function ofJob(samples: readonly Sample[], job: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.metric.job !== job) continue;
    const key = labelKey(s.metric, NOT_COMPARED);
    if (out.has(key)) throw new Error(`two series of ${job} differ only by ${NOT_COMPARED.join('/')}: ${key} (double counting?)`);
    out.set(key, s.value);
  }
  return out;
}

const isSum = (key: string): boolean => /_sum\b|agent[._]task[._]cost/.test(key);
const relDiff = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

function expectSame(actual: Map<string, number>, expected: Map<string, number>, what: string, factor = 1): void {
  expect([...actual.keys()].sort(), `${what}: series`).toEqual([...expected.keys()].sort());
  for (const [k, v] of expected) {
    const got = actual.get(k)!;
    if (isSum(k)) expect(relDiff(got, v * factor), `${what}: ${k}`).toBeLessThan(1e-9);
    else expect(got, `${what}: ${k}`).toBe(v * factor);
  }
}

const tasksOf = (job: string, name = 'agent_tasks_total'): string => `sum({__name__="${name}",job="${job}"})`;
async function valueOf(prom: RunningPrometheus, q: string): Promise<number | undefined> {
  return (await instant(prom.url, q))[0]?.value;
}

describe.skipIf(skipReason !== undefined).each(MODES)('span path, $name: spans → otelcol-agent-slo (signal_to_metrics) → Prometheus, vs in-process metrics', (mode) => {
  const missing = mode.prometheus3Args !== undefined ? prom3.missingReason : undefined;
  it.skipIf(missing !== undefined)('derives exactly the in-process metrics from GenAI, OpenInference and OpenLLMetry spans; the generated rules record the same SLIs and states; the gate agrees', async () => {
    const prom = track(
      await startPrometheus({
        ruleFiles: await perJobRules(mode),
        evaluationInterval: TEST_RULE_INTERVAL,
        ...(mode.prometheus3Args !== undefined ? { binary: prom3.path!, extraArgs: [...mode.prometheus3Args] } : {}),
      }),
    );
    const collector = track(
      await startCollector({ binary: otelcol.path!, configFile: spansConfig(mode.base()), remoteWriteUrl: `${prom.url}/api/v1/write`, args: mode.collectorArgs ?? [] }),
    );
    const rt = await runtimes(collector);
    const tasksPerRound = 10;

    // Warm-up (1 round), then the measured traffic (2 rounds): increase() then counts all of it on every job.
    await rt.send(1, 0);
    for (const job of JOBS) {
      const want = (job === 'rt-sampled' ? 2 : 1) * tasksPerRound;
      await eventually(() => valueOf(prom, tasksOf(job, mode.names.tasks)), (v) => v === want, 30_000, `warm-up of ${job}`);
    }
    const warm = ofJob(await instant(prom.url, PROJECT_SERIES), 'rt-inproc');
    await sleep(8_000); // spacing, not a wait: warm-up and measured samples apart, as in collector-chain.test.ts
    await rt.send(2, 1);
    for (const job of JOBS) {
      const want = (job === 'rt-sampled' ? 2 : 1) * 3 * tasksPerRound;
      await eventually(() => valueOf(prom, tasksOf(job, mode.names.tasks)), (v) => v === want, 30_000, `traffic of ${job}`);
    }
    // Rule evaluations over the final state: two rounds of every group (2 s) after the last traffic arrived.
    const finalAt = Date.now() / 1000;
    for (const job of JOBS) {
      const sliAt = `timestamp(${RECORD_SLI}{slo_profile="${jobProfile(job)}",slo_objective="tool_success_rate",slo_window="1d"})`;
      await eventually(() => valueOf(prom, sliAt), (t) => t !== undefined && t > finalAt + 4, 30_000, `rule evaluations of ${job} after the traffic`);
    }

    // 1. Raw series: the span-derived ones equal the in-process ones (names, labels, counts, buckets, sums).
    const raw = await instant(prom.url, PROJECT_SERIES);
    const inproc = ofJob(raw, 'rt-inproc');
    expect(inproc.size).toBeGreaterThan(40);
    expect([...inproc.keys()].some((k) => k.startsWith(`__name__="${mode.names.toolCount}"`)), `${mode.names.toolCount} is written`).toBe(true);
    expect(collector.logs(), 'a transform statement failed on a span').not.toContain('failed to execute statement');
    // Counted once: every series of the in-process runtime comes from its own instrumentation, none from the connector.
    expect(raw.filter((s) => s.metric.job === 'rt-inproc' && s.metric.otel_scope_name === CONNECTOR_SCOPE)).toEqual([]);
    expect(new Set(raw.filter((s) => s.metric.job === 'rt-go').map((s) => s.metric.otel_scope_name))).toEqual(new Set([CONNECTOR_SCOPE]));
    expectSame(ofJob(raw, 'rt-go'), inproc, 'Go runtime, GenAI spans');
    expectSame(ofJob(raw, 'rt-node'), inproc, 'Node runtime, OpenLLMetry spans');
    // Sampled at 50 %: every span stands for 2 (adjusted count), so every count and sum is doubled.
    expectSame(ofJob(raw, 'rt-sampled'), inproc, 'Node runtime, sampled GenAI spans', 2);
    // The unmapped LLM-looking span of each round is counted, the HTTP span is not.
    const unmapped = labelKey({ __name__: mode.names.rejected, [mode.label('agent.instrumentation.instrument')]: 'span', [mode.label('agent.instrumentation.reason')]: 'unmapped_span' });
    expect(inproc.get(unmapped), unmapped).toBe(3);

    const table = [...inproc.keys()]
      .filter((k) => !/_bucket/.test(k))
      .sort()
      .map((k) => `| ${k} | ${inproc.get(k)} | ${ofJob(raw, 'rt-go').get(k)} | ${ofJob(raw, 'rt-node').get(k)} | ${ofJob(raw, 'rt-sampled').get(k)} |`);
    console.info(`[spans] ${mode.name}: comparison (in-process | Go spans | Node OpenLLMetry spans | sampled 50 %):\n${table.join('\n')}`);

    // 2. The generated rules (one copy per runtime): every recorded SLI and state of each span runtime equals the
    // in-process runtime's, and the in-process tool SLI is the measured traffic's own ratio.
    const sli = await recorded(prom, RECORD_SLI, 'rt-inproc');
    const state = await recorded(prom, RECORD_STATE, 'rt-inproc');
    expect(sli.size, 'recorded SLIs of the in-process runtime').toBeGreaterThanOrEqual(8);
    const measured = [...inproc].filter(([k]) => k.startsWith(`__name__="${mode.names.toolCount}"`)).map(([k, v]) => [k, v - (warm.get(k) ?? 0)] as const);
    const ok = measured.filter(([k]) => !k.includes(`${mode.label('error.type')}=`)).reduce((a, [, v]) => a + v, 0);
    const all = measured.reduce((a, [, v]) => a + v, 0);
    const toolSli = sli.get('slo_objective="tool_success_rate",slo_window="1d"');
    expect(relDiff(toolSli!, ok / all), `recorded tool SLI ${String(toolSli)} vs the measured traffic's ${ok}/${all}`).toBeLessThan(1e-9);
    const recordedTable: string[] = [];
    for (const job of JOBS.filter((j) => j !== 'rt-inproc')) {
      const mine = await recorded(prom, RECORD_SLI, job);
      expect([...mine.keys()].sort(), `${job}: recorded SLIs`).toEqual([...sli.keys()].sort());
      for (const [k, v] of sli) expect(relDiff(mine.get(k)!, v), `${job} ${k}: ${mine.get(k)!} vs in-process ${v}`).toBeLessThan(1e-9);
      expect(await recorded(prom, RECORD_STATE, job), `${job}: recorded states`).toEqual(state);
      recordedTable.push(`${job}: ${[...mine].map(([k, v]) => `${k}=${v}`).join(' ')}`);
    }
    console.info(`[spans] ${mode.name}: recorded SLIs, in-process: ${[...sli].map(([k, v]) => `${k}=${v}`).join(' ')}\n${recordedTable.join('\n')}`);

    // 3. The gate: the same verdict and SLI values from each runtime's series.
    const at = Math.floor(Date.now() / 1000);
    const reports: Record<string, GateReport> = {};
    for (const job of JOBS) {
      const run = await runCliInProcess(['gate', ...mode.spec(), '--prometheus-url', prom.url, '--at', String(at), '--format', 'json',
        '--audit-log', join(work, `audit-${job}.jsonl`), '--overlay', overlayFile, '--selector', `job=${job}`]);
      reports[job] = JSON.parse(run.out) as GateReport;
    }
    const view = (r: GateReport): unknown => ({ verdict: r.verdict, objectives: r.objectives.map((o) => ({ name: o.name, status: o.status })) });
    console.info(`[spans] ${mode.name}: gate per runtime: ${JOBS.map((j) => `${j}=${reports[j]!.verdict} (${reports[j]!.objectives.map((o) => `${o.name}=${String(o.value)}/${o.status}`).join(' ')})`).join('; ')}`);
    // model_fallback_rate and escalation_rate see fewer events than runtime-v1's minEvents in this short run.
    const evaluated = reports['rt-inproc']!.objectives.filter((o) => o.status !== 'cannot_evaluate').map((o) => o.name);
    expect(evaluated).toEqual(expect.arrayContaining(['tool_success_rate', 'response_latency_p95', 'cost_per_successful_task']));
    for (const job of JOBS) {
      expect(view(reports[job]!), job).toEqual(view(reports['rt-inproc']!));
      for (const o of reports[job]!.objectives) {
        const mine = reports['rt-inproc']!.objectives.find((x) => x.name === o.name)!;
        expect(relDiff(o.value as number, mine.value as number), `${job} ${o.name}: ${String(o.value)} vs ${String(mine.value)}`).toBeLessThan(1e-9);
      }
    }
  }, 240_000);
});

describe.skipIf(skipReason !== undefined)('span path across a collector restart (deltatocumulative state is lost)', () => {
  it('a restart starts new span-derived series (the state is lost); the generated rules\' counting still gives the in-process totals', async () => {
    const prom = track(await startPrometheus({}));
    const collector = track(await startCollector({ binary: otelcol.path!, configFile: spansConfig(), remoteWriteUrl: `${prom.url}/api/v1/write` }));
    const rt = await runtimes(collector);
    const series = (job: string): string => `{__name__=~"(agent|gen_ai)_[^:]+",job="${job}"}`;
    const instances = async (): Promise<Set<string>> =>
      new Set((await instant(prom.url, series('rt-go'))).map((s) => s.metric.agent_slo_collector_instance ?? 'none'));

    await rt.send(2, 0);
    await eventually(() => valueOf(prom, tasksOf('rt-go')), (v) => v === 20, 30_000, 'rounds 0-1 from the Go runtime');
    const [first] = [...(await instances())];
    expect(first).toMatch(/^[0-9a-f-]{36}$/);

    await collector.restart();
    await rt.send(2, 2);
    await eventually(() => valueOf(prom, tasksOf('rt-inproc')), (v) => v === 40, 30_000, 'rounds 2-3 in process');
    // The restarted collector derives into new series (its own instance label), starting from zero: 20 + 20.
    await eventually(() => valueOf(prom, tasksOf('rt-go')), (v) => v === 40, 30_000, 'rounds 2-3 from the Go runtime, new series');
    expect((await instances()).size).toBe(2);
    // The generated rules' per-window count (increase of continuing series, first value of new ones): equal for
    // every raw series of the Go job and of the in-process job over the whole test (< 5 m).
    const names = [...new Set((await instant(prom.url, series('rt-inproc'))).map((s) => s.metric.__name__!))];
    const counted = async (job: string): Promise<Map<string, number>> => {
      const out = new Map<string, number>();
      for (const name of names) {
        const sel = `${name}{job="${job}"}`;
        const q = `sum without (job, instance, otel_scope_name, otel_scope_version, agent_slo_collector_instance) ((increase(${sel}[5m]) and last_over_time(${sel}[10m] offset 5m)) or (last_over_time(${sel}[5m]) unless last_over_time(${sel}[10m] offset 5m)))`;
        for (const s of await instant(prom.url, q)) out.set(`${name}{${labelKey(s.metric)}}`, s.value);
      }
      return out;
    };
    const goCounted = await counted('rt-go');
    const inprocCounted = await counted('rt-inproc');
    expect(inprocCounted.size).toBeGreaterThan(40);
    expectSame(goCounted, inprocCounted, 'Go runtime across the restart, as the rules count it');
  }, 180_000);
});

describe.skipIf(skipReason !== undefined)('span path label bounds (span settings: allow-lists, value length)', () => {
  it('folds tool names and error types beyond the allow-lists, too long and non-string values to _OTHER, as the in-process recorder does with the same options', async () => {
    const longAllowed = 'an-allowed-but-too-long-tool-name'; // allowed, but longer than maxValueLength: _OTHER in process too
    const cardinality = { maxValueLength: 24, allow: { 'gen_ai.tool.name': ['search', 'fetch', longAllowed], 'error.type': ['E0'] } };
    const settingsFile = await generatedSpanSettings('bounds', { priceTable: WORKLOAD_PRICES, cardinality });
    const prom = track(await startPrometheus({}));
    const collector = track(await startCollector({ binary: otelcol.path!, configFile: [shippedCollectorConfig(), join(repoRoot(), COLLECTOR_SPANS_FILE), settingsFile], remoteWriteUrl: `${prom.url}/api/v1/write` }));
    const { metrics, tracer: inproc } = await inProcessRuntime(collector, cardinality);

    // 45 distinct tool names against an allow-list of 3; errors on every third call, each with its own error.type.
    const tools: (string | number)[] = ['search', 'fetch', longAllowed, 'x'.repeat(200), 42, ...Array.from({ length: 40 }, (_, i) => `tool-${i}`)];
    const spans = toolWorkload(tools);
    const base = BigInt(Date.now()) * 1_000_000n;
    emitNodeSpans(inproc.getTracer('my-genai-app'), spans, 'gen_ai', base);
    const file = join(work, 'go-bounds.json');
    await writeFile(file, goWorkload(spans, 'gen_ai', base, collector.otlpHttpUrl, { 'service.name': 'rt-go', 'service.instance.id': 'rt-go-1' }));
    await Promise.all([inproc.forceFlush(), promisify(execFile)(goAgent.path!, [file], { timeout: 60_000 })]);
    await metrics.forceFlush();
    for (const job of ['rt-inproc', 'rt-go']) await eventually(() => valueOf(prom, tasksOf(job)), (v) => v === tools.length, 30_000, `tasks of ${job}`);
    const toolCalls = `sum(gen_ai_execute_tool_duration_count{job="rt-go"})`;
    await eventually(() => valueOf(prom, toolCalls), (v) => v === tools.length, 30_000, 'tool calls of rt-go');

    const raw = await instant(prom.url, PROJECT_SERIES);
    const labelValues = (job: string, label: string): Set<string | undefined> =>
      new Set(raw.filter((s) => s.metric.job === job && s.metric.__name__ === 'gen_ai_execute_tool_duration_count').map((s) => s.metric[label]));
    expect(labelValues('rt-go', 'gen_ai_tool_name')).toEqual(new Set(['search', 'fetch', '_OTHER']));
    expect(labelValues('rt-go', 'error_type')).toEqual(new Set([undefined, 'E0', '_OTHER']));
    const folded = await valueOf(prom, `sum(gen_ai_execute_tool_duration_count{job="rt-go",gen_ai_tool_name="_OTHER"})`);
    expect(folded).toBe(tools.length - 2);
    // Every series (tool, task and agent latency) equal to the in-process recorder's with the same bounds.
    expectSame(ofJob(raw, 'rt-go'), ofJob(raw, 'rt-inproc'), 'Go runtime with span settings vs in-process with the same cardinality options');
    // No statement failed on a span (error_mode ignore would only log it): the bounds really ran.
    expect(collector.logs()).not.toContain('failed to execute statement');
  }, 120_000);
});
