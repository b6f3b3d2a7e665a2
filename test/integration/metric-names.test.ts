/**
 * `metricNames: unit-suffixes` end to end: the same recordings reach Prometheus by four paths, each with the rules
 * generated for the names that path writes, and every recorded SLI, state and gate verdict is the same.
 *
 *   startAgentSloMetrics (one MeterProvider, pull reader + OTLP reader, the same recordings)
 *     ├─ pull exporter ───────────────────────────────▶ Prometheus 2.42 scrapes   + rules (metricNames default)
 *     └─ OTLP/HTTP ─▶ Prometheus 3 OTLP receiver (default translation)           + rules (unit-suffixes)
 *   startAgentSloMetrics #2 (same recordings) ─ OTLP ─▶ contrib collector, exporters at default naming:
 *     ├─ prometheusremotewrite ─▶ Prometheus 2.42                                  + rules (unit-suffixes)
 *     └─ prometheus exporter ─▶ scraped by Prometheus 2.42                         + rules (unit-suffixes)
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
import { RECORD_SLI, RECORD_STATE } from '../../src/conventions.js';
import type { GateReport } from '../../src/gate/report/model.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { collectorBinary, prometheus3Binary, repoRoot } from '../harness/binaries.js';
import { runCliInProcess } from '../harness/cli.js';
import { GENERATED_BUCKETS } from '../harness/buckets.js';
import { startCollector } from '../harness/collector.js';
import { goBuilt } from '../harness/go-built.js';
import { freePort } from '../../src/stack/free-port.js';
import { contribCollectorConfig } from './contrib-collector.js';
import { recordBatch } from './runtime-batch.js';
import { byLabels, eventually, instant, seriesNames } from './prom-query.js';

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
const files = { defaultRules: '', suffixRules: '', suffixSpec: '', overlay: '', collector: '' };

/** The generated rules file with every group's interval shortened (expressions unchanged). */
async function shortIntervals(rules: string, to: string): Promise<string> {
  await writeFile(to, rules.replace(/^(\s*)interval: .*$/gm, `$1interval: ${TEST_RULE_INTERVAL}`));
  return to;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-names-'));
  const shipped = await readFile(join(repoRoot(), 'profiles', `${PROFILE}.yaml`), 'utf8');
  files.suffixSpec = join(work, `${PROFILE}.unit-suffixes.yaml`);
  await writeFile(files.suffixSpec, `${shipped.trimEnd()}\nmetricNames: unit-suffixes\n`);
  const gen = await runCliInProcess(['generate', '--spec', files.suffixSpec, '--out', join(work, 'out')]);
  expect(gen.code, gen.err).toBe(0);
  const suffixRules = await readFile(join(work, 'out/rules', PROFILE, 'rules.yaml'), 'utf8');
  const defaultRules = await readFile(join(repoRoot(), 'rules', PROFILE, 'rules.yaml'), 'utf8');
  files.defaultRules = await shortIntervals(defaultRules, join(work, 'default.rules.yaml'));
  files.suffixRules = await shortIntervals(suffixRules, join(work, 'suffix.rules.yaml'));
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

function view(r: GateReport): unknown {
  return { verdict: r.verdict, objectives: r.objectives.map((o) => ({ name: o.name, status: o.status, source: o.source })) };
}

describe.skipIf(skipReason !== undefined)('metricNames: unit-suffixes, end to end', () => {
  it('Prometheus 3 OTLP (default translation) and the collector exporters (defaults) give the pull path’s SLIs, states and verdict', async () => {
    // Path 2: Prometheus 3's own OTLP receiver, no otlp: config block (translation UnderscoreEscapingWithSuffixes).
    const otlpProm = track(
      await startPrometheus({ binary: prom3.path!, extraArgs: ['--web.enable-otlp-receiver'], ruleFiles: [files.suffixRules], evaluationInterval: TEST_RULE_INTERVAL }),
    );
    const a = await sdk({ pull: true, otlpUrl: `${otlpProm.url}/api/v1/otlp/v1/metrics`, instance: 'names-a' });
    // Path 1: the pull exporter of the same SDK, default names.
    const pullTarget = new URL(a.prometheus!.url).host;
    const pull = track(
      await startPrometheus({
        ruleFiles: [files.defaultRules],
        evaluationInterval: TEST_RULE_INTERVAL,
        scrapeInterval: '1s',
        scrapeConfigs: [{ job_name: SERVICE, scrape_interval: '1s', static_configs: [{ targets: [pullTarget] }] }],
      }),
    );
    // Paths 3 and 4: the collector with its exporters at default naming.
    const rwProm = track(await startPrometheus({ ruleFiles: [files.suffixRules], evaluationInterval: TEST_RULE_INTERVAL }));
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
        ruleFiles: [files.suffixRules],
        evaluationInterval: TEST_RULE_INTERVAL,
        scrapeInterval: '1s',
        scrapeConfigs: [{ job_name: 'otelcol', scrape_interval: '1s', static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }],
      }),
    );
    const b = await sdk({ pull: false, otlpUrl: `${collector.otlpHttpUrl}/v1/metrics`, instance: 'names-b' });
    const paths = { pull, otlp: otlpProm, remoteWrite: rwProm, collectorScrape: scrapeProm } as const;

    const suffixed = 'agent_tasks_total{agent_task_outcome="success"}';
    // Warm-up (every series exists everywhere before the measured traffic), then the measured traffic.
    for (const [n, total] of [[2, 98], [4, 294]] as const) {
      recordBatch(a, n);
      recordBatch(b, n);
      await Promise.all([a.forceFlush(), b.forceFlush()]);
      for (const [name, prom] of Object.entries(paths)) await eventually(() => instant(prom.url, suffixed).then((s) => s[0]?.value), (v) => v === total, 30_000, `${name}: ${total} tasks`);
      await sleep(n === 2 ? 10_000 : 15_000);
    }

    // The unit-suffix paths really carry the suffixed names (and the pull path does not).
    for (const prom of [otlpProm, rwProm, scrapeProm]) {
      const names = await seriesNames(prom.url, '{__name__=~"(agent|gen_ai)_[^:]+"}');
      expect(names).toEqual(expect.arrayContaining(['gen_ai_execute_tool_duration_seconds_count', 'gen_ai_invoke_agent_duration_seconds_bucket', 'agent_task_cost_USD_total']));
      expect(names).not.toContain('gen_ai_execute_tool_duration_count');
    }
    expect(await seriesNames(pull.url, '{__name__=~"gen_ai_execute_tool.+"}')).toContain('gen_ai_execute_tool_duration_count');

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
    for (const [name, prom] of Object.entries(paths).filter(([n]) => n !== 'pull')) {
      const r = await gate(prom, ['--spec', files.suffixSpec], at);
      expect(view(r), name).toEqual(view(ref));
      for (const o of r.objectives) {
        const v = ref.objectives.find((x) => x.name === o.name)!.value as number;
        expect(Math.abs((o.value as number) - v), `${name} ${o.name}: ${String(o.value)} vs ${v}`).toBeLessThan(1e-9);
      }
    }
    // Without metricNames the rules and the gate find nothing on a unit-suffix path: cannot evaluate (exit 3).
    const unnamed = await gate(otlpProm, ['--profile', PROFILE], at, 3);
    expect(unnamed.verdict).toBe('cannot_evaluate');
    console.info(`[metric names] verdict on every path: ${ref.verdict}; ${ref.objectives.map((o) => `${o.name}=${String(o.value)}`).join(' ')}`);
  }, 300_000);
});
