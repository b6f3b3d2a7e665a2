// Benchmark (not a test): the scale curve. Rule evaluation time per minute and gate wall time as the number of
// profiles (5 objectives each: runtime-v1's) and the raw series per metric grow, each point in a fresh Prometheus.
//
// Points (default): profiles 1, 10, 100 at 10³ series per metric (split evenly over the profiles by a `service_name`
// label each profile selects), and series 10³, 10⁴, 10⁵ per metric at 1 profile. "Series per metric" = series per
// metric name the rules read (7 names: tool and model call counts, fallbacks, agent duration buckets (le 8/10/15/+Inf)
// and count, task cost, tasks by outcome): ~6.25 × N series in all.
//
// Data per point: raw history over --span-hours (default 192: the gate needs its 7d window plus the 1h start probe)
// at one sample per --resolution seconds (default 3600: the coarsest the gate's 1h start probe accepts; at 10⁵ series
// per metric that is 1.2×10⁸ samples through promtool, about what this machine takes), then live samples of the same series
// (same identity: job/instance dropped) scraped every 30 s from a local exporter; every counter is rate × (t − t0),
// so history and live join without a reset. The rules are `agent-slo generate`'s output for the profiles (whatever
// main generates). Recorded series that other rules read over a range get a synthetic history over the same span at
// their production interval (their label sets and values taken from the rules' live evaluation), and the hourly
// roll-up (agent_slo:component:increase1h) one sample an hour on the hour (its source rates × 3600 s), so long
// windows read what they would read after --span-hours of running.
//
// Rule cost: every group evaluated every --pace seconds; the first evaluation is discarded, the next 3 kept
// (`evaluationTime` from /api/v1/rules); per minute = Σ group median × 60 / production interval (5m for runtime-v1).
// Beside it, Prometheus' CPU time over those evaluations minus its CPU over 2 paces with no rules loaded (the scrapes
// of the N series cost the same either way), scaled the same way.
// Gate: `agent-slo gate --raw --at <end of the history>` (the raw path is the one that grows with series; the history is shorter than the 7d
// gate window, so recorded series could not cover it anyway) for the first profile, median of 3 runs: one profile is
// what a release job gates (the gate takes one profile per invocation).
//
//   npm run build && node bench/scale/run.mjs [--points p1s3,p10s3,p100s3,p1s4,p1s5] [--span-hours 192] [--resolution 3600] [--pace 30] [--gate-runs 3]
//     [--scrape 30] [--block-hours 24] [--wait-minutes 10] [--query-timeout 2m] [--reach-back-ab 0] [--window-probes always]
// --scrape: live scrape interval (s); --block-hours: promtool's --max-block-duration (fewer passes over the input:
// promtool re-reads the whole file once per block); --wait-minutes: how long a slow point may take for its first rule
// evaluation and for its measured ones. Every group evaluation is logged as it completes (with Prometheus' CPU
// seconds so far and any rule error), so a point that cannot finish still leaves its measured evaluations in the log.
// --query-timeout: Prometheus' --query.timeout, which also bounds each rule's query (default 2m: at 10⁵ series per
// metric the 5m rate rules took longer, failed, and recorded nothing). --reach-back-ab N: after the measurement, N
// interleaved rounds of the rules as generated vs a bench-only copy with every `[25h] offset 5m` (the rate rule's
// reach-back, docs/counting.md "## Cost") replaced by `[10m] offset 5m`, same data, same Prometheus; each turn keeps 3
// evaluations after a discarded one.
//
// Output: a Markdown table for BENCHMARKS.md (## Scale curve) with the growth per 10×.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { startPrometheus } from '../../dist/src/stack/prometheus.js';
import { collectEvaluations, costFromTimes, historyCarryingGroups, hourlyRollup, median, processCpuSeconds, ruleCount, ruleGroupsFromYaml, waitForCompaction, writeRuleFile } from '../lib/rules.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const POINTS = (args.get('points') ?? 'p1s3,p10s3,p100s3,p1s4,p1s5').split(',').map((p) => {
  const m = /^p(\d+)s(\d)$/.exec(p);
  if (!m) throw new Error(`--points: ${p} is not p<profiles>s<log10 series>, e.g. p10s3`);
  return { profiles: Number(m[1]), series: 10 ** Number(m[2]) };
});
const SPAN = Number(args.get('span-hours') ?? 192) * 3600;
const RES = Number(args.get('resolution') ?? 3600);
const PACE = Number(args.get('pace') ?? 30);
const GATE_RUNS = Number(args.get('gate-runs') ?? 3);
const SCRAPE = Number(args.get('scrape') ?? 30);
const BLOCK_HOURS = Number(args.get('block-hours') ?? 24);
const WAIT_MS = Number(args.get('wait-minutes') ?? 10) * 60_000;
const AB_ROUNDS = Number(args.get('reach-back-ab') ?? 0);
const QUERY_TIMEOUT = args.get('query-timeout'); // Prometheus --query.timeout (default 2m): rule queries too
const PROBES_BEFORE_SPAN = args.get('window-probes') === 'always'; // the gate's window-start probes even before --span-hours
// --gate-concurrency 16,4,1: gate-only mode — no rules, no live scrape: the raw gate once per value of its
// --query-concurrency, each against a fresh Prometheus, with its peak RSS over the run (VmHWM); a run is stopped when
// Prometheus' RSS passes --rss-limit-gib (default 19: the machine's other work keeps its memory).
const GATE_CONCURRENCY = args.get('gate-concurrency')?.split(',').map(Number);
const RSS_LIMIT_GIB = Number(args.get('rss-limit-gib') ?? 19);
const EVALS = 3;
const log = (s) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const commit = spawnSync('git', ['-C', root, 'log', '-1', '--format=%h'], { encoding: 'utf8' }).stdout.trim();
const onMain = spawnSync('git', ['-C', root, 'merge-base', 'HEAD', 'main'], { encoding: 'utf8' }).stdout.trim().slice(0, 7) || 'unknown';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every series of a point: [metric line prefix, rate per second, fraction] (value = floor(fraction × rate × (t − t0))). */
function seriesPlan(profiles, n) {
  const plan = [];
  // Contiguous blocks per profile, so every profile gets the same mix of outcomes (i % 10 below).
  const svc = (i, of) => `svc-${Math.floor((i * profiles) / of)}`;
  for (let i = 0; i < n; i++) {
    const s = svc(i, n);
    plan.push([`gen_ai_execute_tool_duration_count{service_name="${s}",gen_ai_tool_name="t${i}"${i % 10 === 0 ? ',error_type="timeout"' : ''}}`, i % 10 === 0 ? 0.002 : 0.05, 1]);
    plan.push([`gen_ai_client_operation_duration_count{service_name="${s}",gen_ai_request_model="m${i}"}`, 0.05, 1]);
    plan.push([`agent_model_fallbacks_total{service_name="${s}",gen_ai_request_model="m${i}"}`, 0.001, 1]);
    plan.push([`agent_task_cost_total{service_name="${s}",gen_ai_agent_name="a${i}"}`, 0.002, 1]);
    plan.push([`agent_tasks_total{service_name="${s}",gen_ai_agent_name="a${i}",agent_task_outcome="${i % 10 === 0 ? 'escalated' : i % 10 === 1 ? 'failure' : 'success'}"}`, 0.02, 1]);
  }
  for (let i = 0; i < n / 4; i++) {
    const s = svc(i, n / 4);
    const l = `service_name="${s}",gen_ai_agent_name="a${i}"`;
    for (const [le, f] of [['8', 0.9], ['10', 0.97], ['15', 0.99], ['+Inf', 1]]) plan.push([`gen_ai_invoke_agent_duration_bucket{${l},le="${le}"}`, 0.02, f]);
    plan.push([`gen_ai_invoke_agent_duration_count{${l}}`, 0.02, 1]);
  }
  return plan;
}
const value = (rate, f, t, t0) => Math.floor(f * rate * (t - t0) * 1000) / 1000;

/**
 * Sample times: every RES seconds, plus every 10 minutes in the hour after each window start the gate probes at --at
 * = end (runtime-v1: the 7d gate window and the 3 × 24h consecutive windows): the probe needs two samples within that
 * hour (an increase), which 1-hour samples cannot give.
 */
function sampleTimes(start, end) {
  const times = new Set();
  for (let t = start; t <= end; t += RES) times.add(t);
  for (const span of [7 * 86400, 3 * 86400]) for (let t = end - span; t <= end - span + 3600; t += 600) if (t >= start || PROBES_BEFORE_SPAN) times.add(t);
  return [...times].sort((a, b) => a - b);
}

async function writeHistory(file, plan, start, end, t0) {
  const out = createWriteStream(file);
  const times = sampleTimes(start, end);
  let buf = '';
  let samples = 0;
  for (const [prefix, rate, f] of plan) {
    for (const t of times) {
      buf += `${prefix} ${value(rate, f, t, t0)} ${t}\n`;
      samples++;
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.write(`${buf}# EOF\n`);
  await new Promise((r) => out.end(r));
  return samples;
}

function promtoolBlocks(input, outDir) {
  return new Promise((resolve, reject) => {
    const p = spawn('nice', ['-n', '5', 'promtool', 'tsdb', 'create-blocks-from', 'openmetrics', `--max-block-duration=${BLOCK_HOURS}h`, input, outDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    p.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`promtool exited ${c}: ${err}`))));
  });
}

async function moveBlocks(from, to) {
  for (const e of await readdir(from)) if (/^[0-9A-Z]{26}$/.test(e)) await rename(join(from, e), join(to, e));
}

async function query(url, q) {
  const body = await (await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: q }) })).json();
  if (body.status !== 'success') throw new Error(`${q}: ${JSON.stringify(body)}`);
  return body.data.result;
}

/** The gate's verdict by exit code 0..3. */
const VERDICTS = ['pass', 'blocked', 'approval required', 'cannot evaluate'];

/** `nice -n 5 node agent-slo gate --raw …` for one profile at `at`, with `extra` flags. */
const gateArgv = (spec, url, dir, at, timeout, extra = []) => ['-n', '5', 'node', cli, 'gate', '-f', spec, '--prometheus-url', url, '--raw', '--at', String(at), '--timeout', timeout, '--deadline', '90m',
  ...extra, '--format', 'json', '-o', join(dir, 'gate.json'), '--audit-log', join(dir, 'audit.jsonl')];

function gateOnce(spec, url, dir, at) {
  const t = performance.now();
  const r = spawnSync('nice', gateArgv(spec, url, dir, at, '30m'), { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (r.status === null || r.status > 3) throw new Error(`gate exited ${r.status}: ${r.stderr}`);
  const verdict = VERDICTS[r.status];
  if (r.status !== 0) {
    const reports = [];
    try {
      const text = readFileSync(join(dir, 'gate.json'), 'utf8');
      const doc = JSON.parse(text);
      for (const d of Array.isArray(doc) ? doc : [doc]) reports.push(...(d.reasons ?? []));
    } catch (err) {
      reports.push(String(err));
    }
    if (!gateOnce.logged) log(`gate ${verdict}: ${reports.slice(0, 3).join(' | ').slice(0, 600)}`);
    gateOnce.logged = true;
  }
  return { ms, verdict };
}

const rssGiB = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024 ** 2;

/**
 * One raw gate run at `concurrency` queries in flight, watching Prometheus' memory: its peak RSS over the run (VmHWM
 * reset through clear_refs first), and the run stopped (gate killed) if RSS passes RSS_LIMIT_GIB.
 */
async function gateWatched(spec, url, pid, dir, at, concurrency) {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
  const t = performance.now();
  const child = spawn('nice', gateArgv(spec, url, dir, at, '60m', ['--query-concurrency', String(concurrency)]), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  let stopped;
  const watch = setInterval(() => {
    const rss = rssGiB(pid, 'VmRSS');
    if (rss > RSS_LIMIT_GIB && stopped === undefined) {
      stopped = { atS: (performance.now() - t) / 1000, rss };
      child.kill('SIGKILL');
    }
  }, 1000);
  const code = await new Promise((r) => child.on('exit', (c) => r(c)));
  clearInterval(watch);
  const ms = performance.now() - t;
  const peak = rssGiB(pid, 'VmHWM');
  const verdict = stopped ? `stopped at ${stopped.atS.toFixed(0)} s (Prometheus RSS ${stopped.rss.toFixed(1)} GiB)` : code !== null && code <= 3 ? VERDICTS[code] : `exit ${code}: ${stderr.slice(-300)}`;
  log(`gate --query-concurrency ${concurrency}: ${(ms / 1000).toFixed(1)} s, ${verdict}, Prometheus peak RSS ${peak.toFixed(2)} GiB (load ${loadavg()[0].toFixed(1)})`);
  return { concurrency, ms, verdict, peakGiB: peak };
}

/** Logs every rule group evaluation as Prometheus reports it (name, wall seconds, slowest rule), until stopped. */
function watchEvaluations(url, pid) {
  const last = new Map();
  let stopped = false;
  (async () => {
    while (!stopped) {
      try {
        const body = await (await fetch(`${url}/api/v1/rules`)).json();
        for (const g of body.data.groups) {
          if (g.lastEvaluation.startsWith('0001-') || last.get(g.name) === g.lastEvaluation) continue;
          last.set(g.name, g.lastEvaluation);
          const slow = [...g.rules].sort((a, b) => b.evaluationTime - a.evaluationTime)[0];
          const errs = g.rules.filter((r) => r.lastError).map((r) => `${r.name}: ${r.lastError}`);
          log(`evaluated ${g.name}: ${g.evaluationTime.toFixed(2)} s (slowest rule ${slow?.name} ${slow?.evaluationTime.toFixed(2)} s; Prometheus CPU so far ${pid ? processCpuSeconds(pid).toFixed(1) : '?'} s)${errs.length ? ` ERRORS ${errs.join('; ').slice(0, 300)}` : ''}`);
        }
      } catch { /* Prometheus restarting or stopped */ }
      await sleep(5000);
    }
  })();
  return () => { stopped = true; };
}

const results = [];
const gateMemory = [];
for (const point of POINTS) {
  const { profiles: P, series: N } = point;
  const dir = await mkdtemp(join(tmpdir(), 'agent-slo-bench-scale-'));
  const dataDir = join(dir, 'data');
  let prom;
  let exporter;
  let unwatch = () => {};
  try {
    log(`point: ${P} profile(s), ${N} series per metric`);
    // Profiles: runtime-v1 with its own name and selector.
    const base = parse(await readFile(join(root, 'profiles', 'runtime-v1.yaml'), 'utf8'));
    const specs = [];
    for (let p = 0; p < P; p++) {
      const spec = structuredClone(base);
      spec.metadata.name = `scale-p${p}`;
      spec.selector = { service_name: `svc-${p}` };
      const f = join(dir, `scale-p${p}.yaml`);
      await writeFile(f, stringify(spec), 'utf8');
      specs.push(f);
    }
    const gen = spawnSync('node', [cli, 'generate', ...specs.flatMap((s) => ['-f', s]), '-o', join(dir, 'gen')], { encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`generate: ${gen.stderr}`);
    const groups = [];
    for (let p = 0; p < P; p++) groups.push(...ruleGroupsFromYaml(await readFile(join(dir, 'gen', 'rules', `scale-p${p}`, 'rules.yaml'), 'utf8')));

    // Raw history.
    const plan = seriesPlan(P, N);
    const END = Math.floor(Date.now() / 1000 / 60) * 60;
    const START = END - SPAN;
    const T0 = START - 86400;
    let t = performance.now();
    const samples = await writeHistory(join(dir, 'raw.om'), plan, START, END, T0);
    await mkdir(join(dir, 'raw-blocks'));
    await promtoolBlocks(join(dir, 'raw.om'), join(dir, 'raw-blocks'));
    await mkdir(dataDir);
    await moveBlocks(join(dir, 'raw-blocks'), dataDir);
    await rm(join(dir, 'raw.om'));
    const backfillS = (performance.now() - t) / 1000;
    log(`history: ${plan.length} series × ${samples / plan.length} samples (${(samples / 1e6).toFixed(1)} M) in ${backfillS.toFixed(0)} s (span ${SPAN / 3600} h at ${RES} s)`);

    if (GATE_CONCURRENCY !== undefined) {
      // Gate-only: the history in blocks, no rules, no scrape; one run per concurrency, each against a fresh
      // Prometheus: the memory a run's queries took (a stopped run's too) is not handed back at once.
      const runs = [];
      for (const c of GATE_CONCURRENCY) {
        await prom?.stop();
        prom = await startPrometheus({ dataDir, readyTimeoutMs: 600_000, extraArgs: [`--query.timeout=${QUERY_TIMEOUT ?? '60m'}`] });
        log(`compaction settled: ${await waitForCompaction(prom.url, { timeoutMs: Math.max(600_000, WAIT_MS) })} blocks loaded; Prometheus RSS ${rssGiB(prom.pid, 'VmRSS').toFixed(2)} GiB`);
        runs.push(await gateWatched(specs[0], prom.url, prom.pid, dir, END, c));
      }
      gateMemory.push({ P, N, series: plan.length, samples, runs });
      continue;
    }

    // Live exporter + Prometheus with the rules at the bench pace.
    exporter = createServer((_req, res) => {
      const now = Date.now() / 1000;
      const chunks = [];
      let buf = '';
      for (const [prefix, rate, f] of plan) {
        buf += `${prefix} ${value(rate, f, now, T0)}\n`;
        if (buf.length > 1 << 16) { chunks.push(buf); buf = ''; }
      }
      chunks.push(buf);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      for (const c of chunks) res.write(c);
      res.end();
    });
    await new Promise((r) => exporter.listen(0, '127.0.0.1', r));
    const rulesFile = join(dir, 'rules.yaml');
    await writeRuleFile(rulesFile, groups, PACE);
    // Prometheus scraping the exporter (job/instance dropped: live series continue the history's) with one rule file.
    const start = (ruleFile) => startPrometheus({
      dataDir,
      ruleFiles: [ruleFile],
      evaluationInterval: `${PACE}s`,
      scrapeInterval: `${SCRAPE}s`,
      scrapeConfigs: [{
        job_name: 'runtime', scrape_timeout: `${SCRAPE - 5}s`, static_configs: [{ targets: [`127.0.0.1:${exporter.address().port}`] }],
        metric_relabel_configs: [{ action: 'labeldrop', regex: 'job|instance' }],
      }],
      readyTimeoutMs: 600_000,
      ...(QUERY_TIMEOUT ? { extraArgs: [`--query.timeout=${QUERY_TIMEOUT}`] } : {}),
    });
    prom = await start(rulesFile);
    unwatch = watchEvaluations(prom.url, prom.pid);
    const liveStart = Math.floor(Date.now() / 1000);

    // Synthetic history for the recorded series long windows read, from the rules' first live evaluation.
    const carried = historyCarryingGroups(groups);
    const names = [...new Set(carried.flatMap((g) => g.rules.map((r) => r.record)))];
    const intervalOf = (series) => {
      const g = carried.find((gr) => gr.rules.some((r) => r.record === series.__name__ && Object.entries(r.labels ?? {}).every(([k, v]) => series[k] === v)));
      return g?.intervalSeconds ?? 60;
    };
    // The hourly roll-up (agent_slo:component:increase1h) records only in the first minutes of an hour: its history
    // is one sample an hour on the hour, each the last hour of its source rates (steady traffic: rate × 3600 s),
    // derived from the source series (the live evaluation may not have recorded it yet).
    const rollups = carried.flatMap((g) => g.rules.map((r) => ({ r, g, h: hourlyRollup(r) }))).filter((x) => x.h);
    const rollupNames = new Set(rollups.map((x) => x.r.record));
    // Wait until every recording rule that needs a history has recorded a series: when the backfill took longer than
    // 5 minutes, the first evaluations see one live sample after a gap and record no rate (the counting design:
    // docs/counting.md), the next ones do.
    const wanted = carried.flatMap((g) => g.rules.filter((r) => !rollupNames.has(r.record)));
    let found = [];
    for (let i = 0; ; i++) {
      await sleep(5000);
      // The last sample within an hour (a slow evaluation's samples carry its start time, past the 5m staleness).
      found = (await Promise.all(names.filter((n) => !rollupNames.has(n)).map((n) => query(prom.url, `${n}[1h]`)))).flat()
        .map((x) => ({ metric: x.metric, value: x.values.at(-1) }));
      const missing = wanted.filter((r) => !found.some((s) => s.metric.__name__ === r.record && Object.entries(r.labels ?? {}).every(([k, v]) => s.metric[k] === v)));
      if (missing.length === 0) break;
      if (i * 5000 > WAIT_MS) throw new Error(`after ${WAIT_MS / 60_000} minutes ${missing.length} recording rules had recorded nothing to give a history (rule errors? see the log; --query-timeout)`);
    }
    const recEnd = liveStart - 60;
    const hist = []; // [series labels (with __name__), value, step seconds, first timestamp]
    for (const s of found) hist.push([s.metric, Number(s.value[1]), intervalOf(s.metric), START]);
    for (const { r, g, h } of rollups) {
      for (const s of found) {
        if (s.metric.__name__ !== h.source || !Object.entries(h.matchers).every(([k, v]) => s.metric[k] === v)) continue;
        hist.push([{ ...s.metric, ...(r.labels ?? {}), __name__: r.record }, Number(s.value[1]) * h.factor * (3600 / g.intervalSeconds), 3600, Math.ceil(START / 3600) * 3600]);
      }
    }
    // Streamed: at 100 profiles the recorded history is more than V8's longest string.
    const recOut = createWriteStream(join(dir, 'rec.om'));
    let recLines = '';
    let recSamples = 0;
    const perName = new Map();
    for (const [metric, raw, step, first] of hist) {
      if (recLines.length > 1 << 20) {
        if (!recOut.write(recLines)) await new Promise((r) => recOut.once('drain', r));
        recLines = '';
      }
      const labels = Object.entries(metric).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
      const v = Number.isFinite(raw) ? raw : 0;
      perName.set(metric.__name__, (perName.get(metric.__name__) ?? 0) + 1);
      for (let ts = first; ts <= recEnd; ts += step) {
        recLines += `${metric.__name__}{${labels}} ${v} ${ts}\n`;
        recSamples++;
      }
    }
    recOut.write(`${recLines}# EOF\n`);
    await new Promise((r) => recOut.end(r));
    await mkdir(join(dir, 'rec-blocks'));
    await promtoolBlocks(join(dir, 'rec.om'), join(dir, 'rec-blocks'));
    await moveBlocks(join(dir, 'rec-blocks'), dataDir);
    log(`recorded history: ${[...perName].map(([n, c]) => `${c} × ${n}`).join(', ')}, ${recSamples} samples (roll-up hourly); restarting Prometheus to load the blocks`);
    unwatch();
    await prom.stop();
    const activeFile = join(dir, 'active.yaml');
    await writeFile(activeFile, 'groups: []\n', 'utf8');
    prom = await start(activeFile);
    unwatch = watchEvaluations(prom.url, prom.pid);

    // Rule evaluation.
    log(`compaction settled: ${await waitForCompaction(prom.url, { timeoutMs: Math.max(600_000, WAIT_MS) })} blocks loaded`);
    const load = [loadavg()[0]];
    // Prometheus' CPU without rules (scrapes, housekeeping), then with the rules: the difference is the rules' CPU.
    const cpu = () => processCpuSeconds(prom.pid);
    const idle0 = [cpu(), Date.now()];
    await sleep(2 * PACE * 1000);
    const idleRate = (cpu() - idle0[0]) / ((Date.now() - idle0[1]) / 1000);
    await writeFile(activeFile, await readFile(rulesFile, 'utf8'), 'utf8');
    await prom.reload();
    const { times, errors, cpu: used } = await collectEvaluations(prom.url, { evaluations: EVALS, timeoutMs: (EVALS + 4) * PACE * 1000 + WAIT_MS, pollMs: 2000, cpu });
    if (errors.length) log(`rule errors: ${errors.slice(0, 5).join('; ')}`);
    const cost = costFromTimes(groups, times);
    const cpuPerRoundMs = (Math.max(0, used.seconds - idleRate * used.wallSeconds) / EVALS) * 1000;
    cost.cpuPerMinuteMs = cpuPerRoundMs * (cost.perMinuteMs / cost.perRoundMs);
    log(`Prometheus CPU: idle ${(idleRate * 1000).toFixed(0)} ms/s, with rules ${((used.seconds / used.wallSeconds) * 1000).toFixed(0)} ms/s over ${used.wallSeconds.toFixed(0)} s`);
    load.push(loadavg()[0]);
    log(`Prometheus peak RSS so far (VmHWM): ${rssGiB(prom.pid, 'VmHWM').toFixed(1)} GB`);
    const headSeries = Number(/^prometheus_tsdb_head_series (\S+)$/m.exec(await (await fetch(`${prom.url}/metrics`)).text())?.[1]);
    log(`rules: ${ruleCount(groups)} in ${groups.length} groups, ${cost.perRoundMs.toFixed(1)} ms per round, ${cost.perMinuteMs.toFixed(1)} ms per minute, CPU ${cost.cpuPerMinuteMs.toFixed(1)} ms per minute`);

    // Reach-back A/B: the rules as generated vs a bench-only copy with the rate rule's 25h reach-back shortened to
    // the 10m look-back (`[25h] offset 5m` → `[10m] offset 5m`), same data, same Prometheus, interleaved turns.
    let ab;
    if (AB_ROUNDS > 0) {
      const asGenerated = await readFile(rulesFile, 'utf8');
      const reaches = (asGenerated.match(/\[25h\] offset 5m/g) ?? []).length;
      if (reaches === 0) throw new Error('--reach-back-ab: no `[25h] offset 5m` in the generated rules');
      const variants = [['with', asGenerated], ['without', asGenerated.replace(/\[25h\] offset 5m/g, '[10m] offset 5m')]];
      ab = { reaches, with: [], without: [] };
      for (let r = 0; r < AB_ROUNDS; r++) {
        for (const [name, text] of r % 2 ? [...variants].reverse() : variants) {
          await writeFile(activeFile, text, 'utf8');
          await prom.reload();
          const got = await collectEvaluations(prom.url, { evaluations: EVALS, timeoutMs: (EVALS + 4) * PACE * 1000 + WAIT_MS, pollMs: 2000, cpu });
          const c = costFromTimes(groups, got.times);
          const rateRound = got.rules.filter((x) => x.name === 'agent_slo:component:rate5m').reduce((a, x) => a + median(x.times), 0) * 1000;
          const cpuRound = (Math.max(0, got.cpu.seconds - idleRate * got.cpu.wallSeconds) / EVALS) * 1000;
          ab[name].push({ round: c.perRoundMs, rate: rateRound, cpu: cpuRound });
          log(`reach-back A/B round ${r + 1}/${AB_ROUNDS} ${name} the 25h reach-back: ${c.perRoundMs.toFixed(1)} ms per round (rate rules ${rateRound.toFixed(1)} ms), Prometheus CPU ${cpuRound.toFixed(1)} ms per round (load ${loadavg()[0].toFixed(1)})`);
          load.push(loadavg()[0]);
        }
      }
    }

    // Gate.
    unwatch();
    const one = Array.from({ length: GATE_RUNS }, () => gateOnce(specs[0], prom.url, dir, END));
    load.push(loadavg()[0]);
    if (GATE_RUNS > 0) log(`gate one profile: ${one.map((g) => g.ms.toFixed(0)).join(' / ')} ms (${one[0].verdict})`);
    results.push({ P, N, series: plan.length, samples, backfillS, rules: ruleCount(groups), groups: groups.length, cost, gateOne: GATE_RUNS > 0 ? median(one.map((g) => g.ms)) : NaN, verdict: one[0]?.verdict ?? 'not run', load, headSeries, errors: errors.length, ab });
  } catch (err) {
    log(`point p${P}s${Math.log10(N)} not completed: ${err.message}`);
  } finally {
    unwatch();
    exporter?.close();
    await prom?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (gateMemory.length > 0) {
  console.log(`\nGate only (--raw, no rules, no scrape) on ${commit} (main ${onMain}); history ${SPAN / 3600} h at ${RES} s per sample\n`);
  console.log('| profiles | series per metric (raw series) | samples | --query-concurrency | gate wall | verdict | Prometheus peak RSS |');
  console.log('|---:|---:|---:|---:|---:|---|---:|');
  for (const g of gateMemory) for (const r of g.runs) console.log(`| ${g.P} | ${g.N} (${g.series}) | ${(g.samples / 1e6).toFixed(1)} M | ${r.concurrency} | ${(r.ms / 1000).toFixed(1)} s | ${r.verdict} | ${r.peakGiB.toFixed(2)} GiB |`);
}

const fmt = (ms) => (!Number.isFinite(ms) ? '—' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
console.log(`\nMeasured on ${commit} (main ${onMain}); history ${SPAN / 3600} h at ${RES} s per sample, live scrape ${SCRAPE} s, rules paced every ${PACE} s (cost per minute at their production interval); ${cpus().length} CPUs shared with other work (load average per row)\n`);
console.log(`| profiles × objectives | series per metric (raw series in all) | head series | rules (groups) | rule eval per round (wall) | rule eval per minute (wall) | Prometheus CPU for the rules per minute | gate wall time, one profile (median of ${GATE_RUNS}) | load avg |`);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  console.log(`| ${r.P} × 5 | ${r.N.toLocaleString('en')} (${r.series.toLocaleString('en')}) | ${r.headSeries.toLocaleString('en')} | ${r.rules} (${r.groups}) | ${fmt(r.cost.perRoundMs)}${r.errors ? ' (rule errors)' : ''} | ${fmt(r.cost.perMinuteMs)} | ${fmt(r.cost.cpuPerMinuteMs)} | ${fmt(r.gateOne)} (${r.verdict}) | ${Math.min(...r.load).toFixed(1)}–${Math.max(...r.load).toFixed(1)} |`);
}
const growth = (pick, key) => {
  const rows = results.filter(pick);
  const out = [];
  for (let i = 1; i < rows.length; i++) out.push(`${(key(rows[i]) / key(rows[i - 1])).toFixed(2)}×`);
  return out.join(', ');
};
console.log(`\nGrowth per 10× profiles (at ${POINTS[0].series} series): rule eval per minute ${growth((r) => r.N === POINTS[0].series, (r) => r.cost.perMinuteMs)} (CPU ${growth((r) => r.N === POINTS[0].series, (r) => r.cost.cpuPerMinuteMs)}); gate one profile ${growth((r) => r.N === POINTS[0].series, (r) => r.gateOne)}`);
console.log(`Growth per 10× series (at 1 profile): rule eval per minute ${growth((r) => r.P === 1, (r) => r.cost.perMinuteMs)} (CPU ${growth((r) => r.P === 1, (r) => r.cost.cpuPerMinuteMs)}); gate ${growth((r) => r.P === 1, (r) => r.gateOne)}`);
for (const r of results.filter((x) => x.ab)) {
  const m = (k, f) => median(r.ab[k].map(f));
  console.log(`\nReach-back A/B at ${r.P} profile(s), ${r.N.toLocaleString('en')} series per metric (${r.ab.reaches} \`[25h] offset 5m\` selectors; without = \`[10m] offset 5m\`), median of ${r.ab.with.length} interleaved turns × median of ${EVALS} evaluations:`);
  console.log('| | rule eval per round (wall, Σ groups) | of which the rate rules | Prometheus CPU per round |');
  console.log('|---|---:|---:|---:|');
  for (const k of ['with', 'without']) console.log(`| ${k} the 25h reach-back | ${fmt(m(k, (x) => x.round))} | ${fmt(m(k, (x) => x.rate))} | ${fmt(m(k, (x) => x.cpu))} |`);
  console.log(`| ratio with / without | ${(m('with', (x) => x.round) / m('without', (x) => x.round)).toFixed(2)}× | ${(m('with', (x) => x.rate) / m('without', (x) => x.rate)).toFixed(2)}× | ${(m('with', (x) => x.cpu) / m('without', (x) => x.cpu)).toFixed(2)}× |`);
  console.log(`turns (with / without): ${r.ab.with.map((x, i) => `${x.round.toFixed(1)}/${r.ab.without[i].round.toFixed(1)} ms, CPU ${x.cpu.toFixed(0)}/${r.ab.without[i].cpu.toFixed(0)} ms`).join('; ')}`);
}
