// Benchmark: one full gate decision for runtime-v1 over 7d against a local Prometheus (Debian 2.42) holding
// ~1,000 series across the profile's metrics (1-minute samples, 8 days), vs the same queries run one by one with
// `promtool query instant` in the same run; and the same decision from recorded component series vs raw 7d
// expressions. The recorded series (agent_slo:component:rate5m, one per objective and component, bucket rates by
// `le` for the p95 objective) are written at each objective's rule interval (src/sli/recorded.ts), exactly as the
// generated rules record them, so the gate reads them with the rules' own expression (Σ rate × interval).
//
// Recorded vs raw is measured three ways, each in the same run: the whole CLI as a child process (node start-up,
// spec load, queries, policy, audit append), the CLI in process (runCli), and the query evaluation alone
// (evaluatePlan on a planned decision: the cost the recording rules are meant to cut).
//
//   npm run build && node bench/gate/decision.mjs [--repeat 5]
//
// Output: a Markdown table for BENCHMARKS.md (## Gate).
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createBlocks } from '../../dist/src/backfill/blocks.js';
import { runCli } from '../../dist/src/cli/run.js';
import { COMPONENT_BUCKETS, COUNTER_SIGNALS as C, HISTOGRAM_SIGNALS as H, LABEL_COMPONENT, LABEL_OBJECTIVE, LABEL_PROFILE, RECORD_COMPONENT_RATE } from '../../dist/src/conventions.js';
import { evaluatePlan } from '../../dist/src/gate/evaluate.js';
import { planGate, rawQueries } from '../../dist/src/gate/queries.js';
import { createPrometheusClient } from '../../dist/src/prometheus/client.js';
import { ruleIntervalSeconds } from '../../dist/src/sli/recorded.js';
import { loadProfile } from '../../dist/src/profile/load.js';
import { startPrometheus } from '../../dist/src/stack/prometheus.js';

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const REPEAT = Number(args.get('repeat') ?? 5);
const DAY = 86_400;
const STEP = 60;
const END = Math.floor(Date.now() / 1000 / DAY) * DAY - DAY;
const START = END - 8 * DAY;

// Series plan: [family, type, labels, per-minute increment, extra] — ~1,000 series in total.
const counters = []; // { name, labels, inc }
const histos = []; // { name, labels, bounds, incCount, incLe: number[], incSum }
const tools = 63;
for (let t = 0; t < tools; t++) {
  histos.push({ name: H.tool_duration.metric, labels: { gen_ai_tool_name: `tool-${t}` }, bounds: [], incCount: 20, incLe: [], incSum: 10 });
  histos.push({ name: H.tool_duration.metric, labels: { gen_ai_tool_name: `tool-${t}`, error_type: 'timeout' }, bounds: [], incCount: 0.2, incLe: [], incSum: 1 });
}
for (let m = 0; m < 40; m++) {
  histos.push({ name: H.model_call_duration.metric, labels: { gen_ai_request_model: `model-${m}` }, bounds: [], incCount: 10, incLe: [], incSum: 10 });
  counters.push({ name: C.model_fallbacks.metric, labels: { gen_ai_request_model: `model-${m}` }, inc: 0.2 });
}
for (let a = 0; a < 50; a++) {
  histos.push({ name: H.response_latency.metric, labels: { gen_ai_agent_name: `agent-${a}` }, bounds: [8, 10, 15], incCount: 10, incLe: [9.8, 10, 10], incSum: 30 });
}
for (let a = 0; a < 40; a++) {
  counters.push({ name: C.tasks.metric, labels: { gen_ai_agent_name: `agent-${a}`, agent_task_outcome: 'success' }, inc: 5 });
  counters.push({ name: C.tasks.metric, labels: { gen_ai_agent_name: `agent-${a}`, agent_task_outcome: 'failure' }, inc: 0.1 });
  counters.push({ name: C.tasks.metric, labels: { gen_ai_agent_name: `agent-${a}`, agent_task_outcome: 'escalated' }, inc: 0.1 });
  counters.push({ name: C.task_cost_usd.metric, labels: { gen_ai_agent_name: `agent-${a}` }, inc: 0.25 });
}
/**
 * The query as it was before counts became born-aware (src/promql/counter-increase.ts): plain `sum(increase(S[w]))`.
 * Used only to measure what the born-series branch costs on the raw path.
 */
function plainIncrease(expr) {
  return expr.replace(
    /sum( by \([^)]*\))?\(\(increase\(([^[]+)\[([^\]]+)\]\) and last_over_time\(\2\[(\w+)\] offset \3\)\) or \(last_over_time\(\2\[\3\]\) unless last_over_time\(\2\[\4\] offset \3\)\)\)/g,
    (_m, by, sel, w) => `sum${by ?? ''}(increase(${sel}[${w}]))`,
  );
}

/** Runs the queries one by one over HTTP; returns the wall time and the answers. */
async function httpQueries(url, queries, rewrite) {
  const t = performance.now();
  const answers = [];
  for (const q of queries) {
    const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: rewrite(q.expr), time: String(q.time) }) });
    const body = await res.json();
    if (body.status !== 'success') throw new Error(`query failed: ${rewrite(q.expr)}: ${JSON.stringify(body)}`);
    answers.push(JSON.stringify(body.data.result));
  }
  return { ms: performance.now() - t, answers };
}

const seriesCount = counters.length + histos.reduce((n, h) => n + h.bounds.length + 3, 0);

const lbl = (labels, extra) => {
  const parts = Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`);
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};
const num = (v) => String(Math.round(v * 1e6) / 1e6);

async function writeSeries(out, name, labelText, inc, rate = false, step = STEP) {
  let buf = '';
  for (let i = 0; i <= (END - START) / step; i++) {
    buf += `${name}${labelText} ${num(rate ? inc : (inc * i * step) / STEP)} ${START + i * step}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  if (!out.write(buf)) await once(out, 'drain');
}

async function writeData(file, withRecorded, profile) {
  const out = createWriteStream(file);
  const byName = new Map();
  for (const c of counters) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  for (const [name, list] of byName) {
    const family = name.replace(/_total$/, '');
    out.write(`# TYPE ${family} counter\n`);
    for (const c of list) await writeSeries(out, name, lbl(c.labels), c.inc);
  }
  const hByName = new Map();
  for (const h of histos) hByName.set(h.name, [...(hByName.get(h.name) ?? []), h]);
  for (const [name, list] of hByName) {
    out.write(`# TYPE ${name} histogram\n`);
    for (const h of list) {
      for (let b = 0; b < h.bounds.length; b++) await writeSeries(out, `${name}_bucket`, lbl(h.labels, ['le', String(h.bounds[b])]), h.incLe[b]);
      await writeSeries(out, `${name}_bucket`, lbl(h.labels, ['le', '+Inf']), h.incCount);
      await writeSeries(out, `${name}_count`, lbl(h.labels), h.incCount);
      await writeSeries(out, `${name}_sum`, lbl(h.labels), h.incSum);
    }
  }
  if (withRecorded) {
    // Per-second rates of each SLI component, as the generated rules record them (one series per component).
    const sum = (xs) => xs.reduce((a, b) => a + b, 0);
    const okTools = sum(histos.filter((h) => h.name === H.tool_duration.metric && !h.labels.error_type).map((h) => h.incCount));
    const allTools = sum(histos.filter((h) => h.name === H.tool_duration.metric).map((h) => h.incCount));
    const lat = histos.filter((h) => h.name === H.response_latency.metric);
    const comps = {
      tool_success_rate: { good: okTools, total: allTools },
      model_fallback_rate: { bad: sum(counters.filter((c) => c.name === C.model_fallbacks.metric).map((c) => c.inc)), total: sum(histos.filter((h) => h.name === H.model_call_duration.metric).map((h) => h.incCount)) },
      response_latency_p95: { 'le:8000': sum(lat.map((h) => h.incLe[0])), 'le:10000': sum(lat.map((h) => h.incLe[1])), 'le:15000': sum(lat.map((h) => h.incLe[2])), count: sum(lat.map((h) => h.incCount)) },
      cost_per_successful_task: { value: sum(counters.filter((c) => c.name === C.task_cost_usd.metric).map((c) => c.inc)), events: sum(counters.filter((c) => c.labels.agent_task_outcome === 'success').map((c) => c.inc)) },
      escalation_rate: { bad: sum(counters.filter((c) => c.labels.agent_task_outcome === 'escalated').map((c) => c.inc)), total: sum(counters.filter((c) => c.name === C.tasks.metric).map((c) => c.inc)) },
    };
    // The bucket rates by le (the rules' `buckets` component: the p95 display value is read from them).
    const latBounds = lat[0].bounds;
    const bucketRates = [...latBounds.map((b, i) => [String(b), sum(lat.map((h) => h.incLe[i]))]), ['+Inf', sum(lat.map((h) => h.incCount))]];
    out.write(`# TYPE ${RECORD_COMPONENT_RATE} gauge\n`);
    for (const [objective, cs] of Object.entries(comps)) {
      const interval = ruleIntervalSeconds(profile.objectives.find((o) => o.name === objective));
      const labels = { [LABEL_PROFILE]: 'runtime-v1', [LABEL_OBJECTIVE]: objective };
      for (const [component, perMinute] of Object.entries(cs)) {
        await writeSeries(out, RECORD_COMPONENT_RATE, lbl({ ...labels, [LABEL_COMPONENT]: component }), perMinute / 60, true, interval);
      }
      if (objective === 'response_latency_p95') {
        for (const [le, perMinute] of bucketRates) {
          await writeSeries(out, RECORD_COMPONENT_RATE, lbl({ ...labels, [LABEL_COMPONENT]: COMPONENT_BUCKETS, le }), perMinute / 60, true, interval);
        }
      }
    }
  }
  out.write('# EOF\n');
  out.end();
  await once(out, 'finish');
}

async function gate(url, extra, dir) {
  const lines = [];
  const io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTty: false };
  const t0 = performance.now();
  const code = await runCli(['gate', '--profile', 'runtime-v1', '--prometheus-url', url, '--at', String(END), '--format', 'json', '--audit-log', join(dir, 'audit.jsonl'), ...extra], io);
  const ms = performance.now() - t0;
  const report = JSON.parse(lines.filter((l) => !l.startsWith('agent-slo:')).join('\n'));
  return { ms, code, report };
}

const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

/** The whole CLI as a release job runs it: a fresh node process. */
function gateProcess(url, extra, dir) {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, [MAIN, 'gate', '--profile', 'runtime-v1', '--prometheus-url', url, '--at', String(END), '--format', 'json', '--audit-log', join(dir, 'audit-process.jsonl'), ...extra], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (res.status === null || res.status > 3) throw new Error(`agent-slo gate exited ${res.status}: ${res.stderr}`);
  return { ms, code: res.status };
}

/** Node start-up and CLI parsing alone (the fixed cost every process run pays). */
function versionProcess() {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, [MAIN, '--version'], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`agent-slo --version exited ${res.status}: ${res.stderr}`);
  return performance.now() - t0;
}

/** Query evaluation alone: the planned decision's queries against Prometheus (no spec load, policy or audit). */
async function evaluateOnly(client, plan, preferRecorded) {
  const t0 = performance.now();
  const res = await evaluatePlan(client, plan, { preferRecorded });
  return { ms: performance.now() - t0, queries: res.queries, sources: [...new Set(res.observations.map((o) => o.source))].join(',') };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = await mkdtemp(join(tmpdir(), 'agent-slo-bench-gate-'));
let prom;
try {
  const profile = await loadProfile(new URL('../../profiles/runtime-v1.yaml', import.meta.url).pathname);
  const file = join(dir, 'data.om');
  let t = performance.now();
  await writeData(file, true, profile);
  const writeMs = performance.now() - t;
  t = performance.now();
  const created = await createBlocks({ openMetrics: { file }, dataDir: join(dir, 'tsdb') });
  const blocksMs = performance.now() - t;
  prom = await startPrometheus({ dataDir: join(dir, 'tsdb') });

  const plan = planGate(profile, { at: END });
  const queries = rawQueries(plan);
  const client = createPrometheusClient({ url: prom.url });

  // Warm-up (page cache, Prometheus' postings cache) for both paths.
  await gate(prom.url, ['--raw'], dir);
  await gate(prom.url, [], dir);
  spawnSync('promtool', ['query', 'instant', `--time=${END}`, prom.url, queries[0].expr]);

  const m = { raw: [], recorded: [], procRaw: [], procRecorded: [], evalRaw: [], evalRecorded: [], promtool: [], version: [], bornAware: [], plain: [] };
  const rewritten = queries.filter((q) => plainIncrease(q.expr) !== q.expr).length;
  if (rewritten === 0) throw new Error('no raw query has the born-aware count shape: plainIncrease() is out of date');
  let sameAnswers = true;
  let rawReport;
  let recReport;
  let evRaw;
  let evRec;
  for (let r = 0; r < REPEAT; r++) {
    const a = await gate(prom.url, ['--raw'], dir);
    m.raw.push(a.ms);
    rawReport = a.report;
    const b = await gate(prom.url, [], dir);
    m.recorded.push(b.ms);
    recReport = b.report;
    m.procRaw.push(gateProcess(prom.url, ['--raw'], dir).ms);
    m.procRecorded.push(gateProcess(prom.url, [], dir).ms);
    m.version.push(versionProcess());
    evRaw = await evaluateOnly(client, plan, false);
    m.evalRaw.push(evRaw.ms);
    evRec = await evaluateOnly(client, plan, true);
    m.evalRecorded.push(evRec.ms);
    const t1 = performance.now();
    for (const q of queries) {
      const res = spawnSync('promtool', ['query', 'instant', `--time=${q.time}`, prom.url, q.expr], { encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`promtool failed on ${q.expr}: ${res.stderr}`);
    }
    m.promtool.push(performance.now() - t1);
    const born = await httpQueries(prom.url, queries, (e) => e);
    const plain = await httpQueries(prom.url, queries, plainIncrease);
    m.bornAware.push(born.ms);
    m.plain.push(plain.ms);
    // The history reaches back before every window, so no series is born in one: both forms must answer the same.
    sameAnswers &&= born.answers.every((a, i) => a === plain.answers[i]);
  }
  const md = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
  const ms = (v) => `${Math.round(v)} ms`;
  const cheaper = (raw, rec) => `${(rec / raw).toFixed(3)}× of raw = **${(raw / rec).toFixed(1)}× cheaper**`;
  const sources = (rep) => [...new Set(rep.objectives.map((o) => o.source))].join(',');
  console.log(`series: ${seriesCount} raw + recorded component series, samples: ${created.input.samples}, write ${Math.round(writeMs)} ms, promtool blocks ${Math.round(blocksMs)} ms`);
  console.log(`distinct raw queries: ${queries.length}; gate sent ${rawReport.stats.queries} (raw) / ${recReport.stats.queries} (recorded); evaluatePlan sent ${evRaw.queries} (${evRaw.sources}) / ${evRec.queries} (${evRec.sources})`);
  console.log(`verdicts: raw ${rawReport.verdict} (${sources(rawReport)}), recorded ${recReport.verdict} (${sources(recReport)})`);
  console.log('');
  console.log('| measurement (median of ' + REPEAT + ') | wall time | ratio |');
  console.log('|---|---:|---:|');
  console.log(`| \`promtool query instant\`, the gate's ${queries.length} distinct raw queries one by one (baseline) | ${ms(md.promtool)} | 1.00× |`);
  console.log(`| \`agent-slo gate --raw\`, whole CLI in a fresh node process | ${ms(md.procRaw)} | ${(md.procRaw / md.promtool).toFixed(3)}× of baseline |`);
  console.log(`| \`agent-slo gate\` from recorded series, whole CLI in a fresh node process | ${ms(md.procRecorded)} | ${cheaper(md.procRaw, md.procRecorded)} |`);
  console.log(`| \`agent-slo --version\` (node start-up + CLI, no work: the fixed cost of a process) | ${ms(md.version)} | |`);
  console.log(`| CLI in process (\`runCli\`: spec load, queries, policy, audit append), raw | ${ms(md.raw)} | ${(md.raw / md.promtool).toFixed(3)}× of baseline |`);
  console.log(`| CLI in process, recorded | ${ms(md.recorded)} | ${cheaper(md.raw, md.recorded)} |`);
  console.log(`| query evaluation alone (\`evaluatePlan\`), raw, ${evRaw.queries} queries | ${ms(md.evalRaw)} | |`);
  console.log(`| query evaluation alone, recorded, ${evRec.queries} queries | ${ms(md.evalRecorded)} | ${cheaper(md.evalRaw, md.evalRecorded)} |`);
  console.log(`| the ${queries.length} raw queries over HTTP as planned (born-aware count) | ${ms(md.bornAware)} | ${(md.bornAware / md.plain).toFixed(2)}× of plain increase() |`);
  console.log(`| the same with plain \`sum(increase(S[w]))\` (${rewritten} of them rewritten; the form before counts were born-aware) | ${ms(md.plain)} | 1.00× |`);
  console.log('');
  console.log(`born-aware vs plain answers: ${sameAnswers ? 'identical (no series is born in any window of this history)' : 'DIFFERENT'}`);
  console.log('');
  for (const o of rawReport.objectives) {
    const r2 = recReport.objectives.find((x) => x.name === o.name);
    console.log(`  ${o.name}: raw ${o.value} (${o.status}) vs recorded ${r2.value} (${r2.status}); ${r2.sourceNote}`);
  }
} finally {
  await prom?.stop();
  await rm(dir, { recursive: true, force: true });
}
