/**
 * The span path, end to end, with the real collector (shipped otelcol.yaml + the generated otelcol-spans.yaml +
 * a price overlay) and the GENERATED rules of runtime-v1, against the in-process metrics of the same workload:
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
 * Gate: the short-window TEST OVERLAY of collector-chain.test.ts, once per runtime with --selector job=….
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AgentSloSpanProcessor } from '@agent-slo/instrumentation';
import { startAgentSloMetrics } from '@agent-slo/instrumentation/sdk';
import { stringify } from 'yaml';
import { priceStatements, SPANS_COMPONENTS, COLLECTOR_SPANS_FILE } from '../../src/generate/collector/spans.js';
import type { GateReport } from '../../src/gate/report/model.js';
import { collectorBinary, repoRoot, shippedCollectorConfig } from '../harness/binaries.js';
import { startCollector, type RunningCollector } from '../harness/collector.js';
import { goAgentBinary } from '../harness/go-agent.js';
import { goBuilt } from '../harness/go-built.js';
import { runCliInProcess } from '../harness/cli.js';
import { trackStack } from '../harness/stack.js';
import { GENERATED_BUCKETS } from '../harness/buckets.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { eventually, instant, labelKey, type Sample } from './prom-query.js';
import { assertSafeValues, emitNodeSpans, goWorkload, workload, WORKLOAD_PRICES, type Convention } from './span-workload.js';

const otelcol = await goBuilt(() => collectorBinary());
const goAgent = await goBuilt(() => goAgentBinary());
const skipReason = otelcol.missingReason ?? goAgent.missingReason;
if (skipReason !== undefined) console.warn(`[skipped] collector span-path tests: ${skipReason}`);

const PROFILE = 'runtime-v1';
const PROJECT_SERIES = '{__name__=~"(agent|gen_ai)_[^:]+"}';
const CONNECTOR_SCOPE = 'github.com/open-telemetry/opentelemetry-collector-contrib/connector/signaltometricsconnector';
/** job/instance name the runtime; the scope and the deriving collector's instance differ by design; rules aggregate them away. */
const NOT_COMPARED = ['job', 'instance', 'otel_scope_name', 'otel_scope_version', 'agent_slo_collector_instance'] as const;
const TEST_RULE_INTERVAL = '2s';
const SHORT_WINDOWS_OVERLAY = `# TEST OVERLAY (collector-spans.test.ts only): runtime-v1 with 1m alert / 3m gate windows.
defaults:
  windows: { alert: 1m, gate: 3m, target: 3m }
`;

const track = trackStack();

let work: string;
let rulesFile: string;
let overlayFile: string;
let pricesFile: string;
beforeAll(async () => {
  assertSafeValues();
  work = await mkdtemp(join(tmpdir(), 'agent-slo-spans-'));
  const generated = await readFile(join(repoRoot(), 'rules', PROFILE, 'rules.yaml'), 'utf8');
  rulesFile = join(work, 'rules.yaml');
  await writeFile(rulesFile, `# TEST OVERLAY: generated rules, every group's interval ${TEST_RULE_INTERVAL}\n${generated.replace(/^(\s*)interval: .*$/gm, `$1interval: ${TEST_RULE_INTERVAL}`)}`);
  overlayFile = join(work, 'short-windows.overlay.yaml');
  await writeFile(overlayFile, SHORT_WINDOWS_OVERLAY);
  pricesFile = join(work, 'prices.yaml');
  await writeFile(
    pricesFile,
    stringify({ processors: { [SPANS_COMPONENTS.prices]: { error_mode: 'ignore', trace_statements: [{ context: 'span', statements: priceStatements(WORKLOAD_PRICES) }] } } }, { lineWidth: 0 }),
  );
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const spansConfig = (): string[] => [shippedCollectorConfig(), join(repoRoot(), COLLECTOR_SPANS_FILE), pricesFile];

function tracerProvider(collector: RunningCollector, service: string, extra: ConstructorParameters<typeof BasicTracerProvider>[0] = {}): BasicTracerProvider {
  const exporter = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.otlpHttpUrl}/v1/traces` }), { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 100 });
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1` }),
    ...extra,
    spanProcessors: [...(extra.spanProcessors ?? []), exporter],
  });
}

/** The four runtimes of the header, pointed at one collector. `send(rounds, round0)` emits one slice of the workload on all. */
async function runtimes(collector: RunningCollector): Promise<{ send(rounds: number, round0: number): Promise<void> }> {
  const metrics = await startAgentSloMetrics({
    serviceName: 'rt-inproc',
    buckets: GENERATED_BUCKETS,
    resourceAttributes: { 'service.instance.id': 'rt-inproc-1' },
    prometheus: false,
    otlp: { url: `${collector.otlpHttpUrl}/v1/metrics`, exportIntervalMillis: 1000 },
    setGlobal: false,
    priceTable: WORKLOAD_PRICES,
  });
  track({ stop: () => metrics.shutdown() });
  const inproc = tracerProvider(collector, 'rt-inproc', { spanProcessors: [new AgentSloSpanProcessor({ recorder: metrics.recorder })] });
  const node = tracerProvider(collector, 'rt-node');
  const sampled = tracerProvider(collector, 'rt-sampled');
  for (const p of [inproc, node, sampled]) track({ stop: () => p.shutdown() });
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

const isSum = (key: string): boolean => /_sum\b|agent_task_cost/.test(key);
const relDiff = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

function expectSame(actual: Map<string, number>, expected: Map<string, number>, what: string, factor = 1): void {
  expect([...actual.keys()].sort(), `${what}: series`).toEqual([...expected.keys()].sort());
  for (const [k, v] of expected) {
    const got = actual.get(k)!;
    if (isSum(k)) expect(relDiff(got, v * factor), `${what}: ${k}`).toBeLessThan(1e-9);
    else expect(got, `${what}: ${k}`).toBe(v * factor);
  }
}

const tasksOf = (job: string): string => `sum(agent_tasks_total{job="${job}"})`;
async function valueOf(prom: RunningPrometheus, q: string): Promise<number | undefined> {
  return (await instant(prom.url, q))[0]?.value;
}

describe.skipIf(skipReason !== undefined)('span path: spans → otelcol-agent-slo (signal_to_metrics) → Prometheus, vs in-process metrics', () => {
  it('derives exactly the in-process metrics from GenAI, OpenInference and OpenLLMetry spans; the generated rules and the gate agree', async () => {
    const prom = track(await startPrometheus({ ruleFiles: [rulesFile], evaluationInterval: TEST_RULE_INTERVAL }));
    const collector = track(await startCollector({ binary: otelcol.path!, configFile: spansConfig(), remoteWriteUrl: `${prom.url}/api/v1/write` }));
    const rt = await runtimes(collector);
    const jobs = ['rt-inproc', 'rt-go', 'rt-node', 'rt-sampled'] as const;
    const tasksPerRound = 10;

    // Warm-up (1 round), then the measured traffic (2 rounds): increase() then counts all of it on every job.
    await rt.send(1, 0);
    for (const job of jobs) {
      const want = (job === 'rt-sampled' ? 2 : 1) * tasksPerRound;
      await eventually(() => valueOf(prom, tasksOf(job)), (v) => v === want, 30_000, `warm-up of ${job}`);
    }
    await sleep(8_000); // spacing, not a wait: warm-up and measured samples apart, as in collector-chain.test.ts
    await rt.send(2, 1);
    for (const job of jobs) {
      const want = (job === 'rt-sampled' ? 2 : 1) * 3 * tasksPerRound;
      await eventually(() => valueOf(prom, tasksOf(job)), (v) => v === want, 30_000, `traffic of ${job}`);
    }
    // Rule evaluations over the final state: two rounds of every group (2 s) after the last traffic arrived.
    const finalAt = Date.now() / 1000;
    const sliAt = `timestamp(agent_slo:sli{slo_profile="${PROFILE}",slo_objective="tool_success_rate",slo_window="1d"})`;
    await eventually(() => valueOf(prom, sliAt), (t) => t !== undefined && t > finalAt + 4, 30_000, 'rule evaluations after the traffic');

    // 1. Raw series: the span-derived ones equal the in-process ones (names, labels, counts, buckets, sums).
    const raw = await instant(prom.url, PROJECT_SERIES);
    const inproc = ofJob(raw, 'rt-inproc');
    expect(inproc.size).toBeGreaterThan(40);
    // Counted once: every series of the in-process runtime comes from its own instrumentation, none from the connector.
    expect(raw.filter((s) => s.metric.job === 'rt-inproc' && s.metric.otel_scope_name === CONNECTOR_SCOPE)).toEqual([]);
    expect(new Set(raw.filter((s) => s.metric.job === 'rt-go').map((s) => s.metric.otel_scope_name))).toEqual(new Set([CONNECTOR_SCOPE]));
    expectSame(ofJob(raw, 'rt-go'), inproc, 'Go runtime, GenAI spans');
    expectSame(ofJob(raw, 'rt-node'), inproc, 'Node runtime, OpenLLMetry spans');
    // Sampled at 50 %: every span stands for 2 (adjusted count), so every count and sum is doubled.
    expectSame(ofJob(raw, 'rt-sampled'), inproc, 'Node runtime, sampled GenAI spans', 2);
    // The unmapped LLM-looking span of each round is counted, the HTTP span is not.
    expect(inproc.get('__name__="agent_instrumentation_rejected_total",agent_instrumentation_instrument="span",agent_instrumentation_reason="unmapped_span"')).toBe(3);

    const table = [...inproc.keys()]
      .filter((k) => !/_bucket/.test(k))
      .sort()
      .map((k) => `| ${k} | ${inproc.get(k)} | ${ofJob(raw, 'rt-go').get(k)} | ${ofJob(raw, 'rt-node').get(k)} | ${ofJob(raw, 'rt-sampled').get(k)} |`);
    console.info(`[spans] comparison (in-process | Go spans | Node OpenLLMetry spans | sampled 50 %):\n${table.join('\n')}`);

    // 2. The generated rules see the span-derived series (they aggregate job and scope away).
    // Their 1d tool SLI is the workload's own ratio, up to each job's increase() extrapolation (a few %).
    const toolCounts = [...inproc].filter(([k]) => k.startsWith('__name__="gen_ai_execute_tool_duration_count"'));
    const ok = toolCounts.filter(([k]) => !k.includes('error_type=')).reduce((a, [, v]) => a + v, 0);
    const all = toolCounts.reduce((a, [, v]) => a + v, 0);
    const sli = await instant(prom.url, `agent_slo:sli{slo_profile="${PROFILE}",slo_objective="tool_success_rate",slo_window="1d"}`);
    expect(sli).toHaveLength(1);
    expect(relDiff(sli[0]!.value, ok / all), `recorded tool SLI ${sli[0]!.value} vs workload ${ok / all}`).toBeLessThan(0.05);

    // 3. The gate: the same verdict and SLI values from each runtime's series.
    const at = Math.floor(Date.now() / 1000);
    const reports: Record<string, GateReport> = {};
    for (const job of jobs) {
      const run = await runCliInProcess(['gate', '--profile', PROFILE, '--prometheus-url', prom.url, '--at', String(at), '--format', 'json',
        '--audit-log', join(work, `audit-${job}.jsonl`), '--overlay', overlayFile, '--selector', `job=${job}`]);
      reports[job] = JSON.parse(run.out) as GateReport;
    }
    const view = (r: GateReport): unknown => ({ verdict: r.verdict, objectives: r.objectives.map((o) => ({ name: o.name, status: o.status })) });
    console.info(`[spans] gate per runtime: ${jobs.map((j) => `${j}=${reports[j]!.verdict} (${reports[j]!.objectives.map((o) => `${o.name}=${String(o.value)}/${o.status}`).join(' ')})`).join('; ')}`);
    // model_fallback_rate and escalation_rate see fewer events than runtime-v1's minEvents in this short run.
    const evaluated = reports['rt-inproc']!.objectives.filter((o) => o.status !== 'cannot_evaluate').map((o) => o.name);
    expect(evaluated).toEqual(expect.arrayContaining(['tool_success_rate', 'response_latency_p95', 'cost_per_successful_task']));
    for (const job of jobs) {
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
