// Benchmark (not a test): rule count and evaluation cost per minute of agent-slo's generated rules vs the REAL
// `sloth generate` output (Sloth v0.16.0, built by bench/build-sloth.sh) and a hand-written Pyrra-shaped file
// (bench/rules/pyrra.yaml, labelled so) for the same SLO: kokino availability, 99.5% over 30d.
//
// Data (one Prometheus, same for all three): 30 days of backfilled history (2 series, 30 s samples) plus live traffic
// scraped every 15 s from a local exporter. --series N: each outcome is N series (label `shard`, the same traffic in
// each: 2N raw series), for the cost per raw series. The recorded series another rule reads over a range (agent-slo's 5m
// component rates, Sloth's ratio_rate5m, ...: found in the rule text, bench/lib/rules.mjs) are backfilled for the
// 30 days with promtool at their production interval, so every long window reads a full month.
//
// Measurement: rounds × systems, interleaved (round r runs the systems in an order rotated by r). Per turn only that
// system's rules are loaded (reload), every group evaluated every --interval (the bench's pace); the first evaluation
// after the reload is discarded and the next --evals are kept (`evaluationTime` from /api/v1/rules). Cost per minute =
// Σ over groups of median evaluation time × evaluations per minute at the group's PRODUCTION interval (the file's
// `interval`, or Prometheus' 1m default where the file has none, as with Sloth). Reported: median over rounds.
// Beside it, Prometheus' CPU time (/proc) over the kept evaluations minus its CPU with no rules loaded (an idle turn
// at the start of every round): wall times inflate with the machine's load, CPU time much less.
//
//   npm run build && node bench/rules/run.mjs [--rounds 3] [--evals 3] [--interval 10] [--settle 60] [--series 1] [--also-commit REV]
//
// Output: a Markdown table for BENCHMARKS.md (## Rules).
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { createBlocks } from '../../dist/src/backfill/blocks.js';
import { backfillRecordingRules } from '../../dist/src/backfill/import-rules.js';
import { writeOpenMetrics } from '../../dist/src/backfill/openmetrics.js';
import { counterFromRates, seededRandom } from '../../dist/src/backfill/scenario.js';
import { startPrometheus } from '../../dist/src/stack/prometheus.js';
import { collectEvaluations, costFromTimes, historyCarryingGroups, median, processCpuSeconds, ruleCount, ruleGroupsFromYaml, waitForCompaction, writeRuleFile } from '../lib/rules.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const ROUNDS = Number(args.get('rounds') ?? 3);
const EVALS = Number(args.get('evals') ?? 3);
const INTERVAL = Number(args.get('interval') ?? 10);
const SETTLE = Number(args.get('settle') ?? 60);
const SHARDS = Number(args.get('series') ?? 1); // series per outcome (label shard when > 1)
if (!Number.isInteger(SHARDS) || SHARDS < 1 || SHARDS > 30) throw new Error(`--series: ${String(args.get('series'))} is not an integer in 1..30 (the 30-day history is one OpenMetrics string, 7.8 MB per series: V8's longest string, 512 MiB, holds about 68)`);
const shardLabels = (i) => (SHARDS > 1 ? { shard: String(i) } : {});
const shardText = (i) => (SHARDS > 1 ? `,shard="${String(i)}"` : '');
const log = (s) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

const run = (cmd, argv, opts = {}) => {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
};
// The commit the rules come from: this checkout's, and main's latest ancestor of it (what a re-measure compares).
const commit = run('git', ['-C', root, 'log', '-1', '--format=%h']).trim();
const onMain = spawnSync('git', ['-C', root, 'merge-base', 'HEAD', 'main'], { encoding: 'utf8' }).stdout.trim().slice(0, 7) || 'unknown';

const dir = await mkdtemp(join(tmpdir(), 'agent-slo-bench-rules-'));
const dataDir = join(dir, 'data');
let prom;
let exporter;
try {
  // The three rule sets.
  const sloth = run('bash', [join(root, 'bench', 'build-sloth.sh')]).trim().split('\n').at(-1);
  const slothVersion = run(sloth, ['version'], { stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  run(sloth, ['generate', '--no-log', '-i', join(here, 'kokino-availability.sloth.yaml'), '-o', join(dir, 'sloth.yaml')]);
  // agent-slo: `generate` on kokino reduced to its availability objective (rules/<profile>/rules.yaml; the per-profile
  // self-monitoring file pipeline.yaml is not per SLO and is left out, as Sloth and Pyrra have no equivalent).
  const kokino = parse(await readFile(join(root, 'profiles', 'kokino.yaml'), 'utf8'));
  kokino.objectives = kokino.objectives.filter((o) => o.name === 'availability');
  await writeFile(join(dir, 'kokino-availability.yaml'), stringify(kokino), 'utf8');
  run('node', [join(root, 'dist', 'src', 'cli', 'main.js'), 'generate', '-f', join(dir, 'kokino-availability.yaml'), '-o', join(dir, 'gen')]);
  const systems = [
    { name: 'agent-slo', source: `\`agent-slo generate\` at ${commit} (main ${onMain})`, groups: ruleGroupsFromYaml(await readFile(join(dir, 'gen', 'rules', 'kokino', 'rules.yaml'), 'utf8')) },
    { name: 'Sloth', source: `real \`sloth generate\` ${slothVersion}`, groups: ruleGroupsFromYaml(await readFile(join(dir, 'sloth.yaml'), 'utf8')) },
    { name: 'Pyrra-shaped', source: 'hand-written bench/rules/pyrra.yaml (Pyrra not run)', groups: ruleGroupsFromYaml(await readFile(join(here, 'pyrra.yaml'), 'utf8')) },
  ];
  // --also-commit REV: agent-slo's kokino availability rules as committed at REV (rules/kokino/rules.yaml), a fourth
  // system in the same rounds: an A/B of a rules change on the same data and Prometheus.
  const alsoCommit = args.get('also-commit');
  if (alsoCommit !== undefined) {
    const text = run('git', ['-C', root, 'show', `${alsoCommit}:rules/kokino/rules.yaml`]);
    const groups = ruleGroupsFromYaml(text).filter((g) => g.name.endsWith(':availability'));
    const renamed = groups.map((g) => ({ ...g, name: `${g.name}@${alsoCommit}` }));
    systems.push({ name: `agent-slo@${alsoCommit}`, source: `rules/kokino/rules.yaml at ${alsoCommit} (availability group)`, groups: renamed });
  }

  // 30 days of raw history.
  const STEP = 30;
  const now = Math.floor(Date.now() / 1000);
  const END = Math.floor((now - 3 * 3600 - 600) / 60) * 60;
  const START = END - 30 * 86400;
  const steps = (END - START) / STEP;
  const rnd = seededRandom(7);
  const perStep = Array.from({ length: steps }, () => 20 + Math.floor(rnd() * 20));
  const failed = perStep.map((n) => (rnd() < 0.05 ? Math.round(n * 0.1) : 0));
  const completed = perStep.map((n, i) => n - failed[i]);
  const hist = (a) => counterFromRates({ startSeconds: START, stepSeconds: STEP, perMinute: a.map((v) => (v * 60) / STEP) });
  const completedSamples = hist(completed);
  const failedSamples = hist(failed);
  let t0 = performance.now();
  await createBlocks({
    openMetrics: writeOpenMetrics([{ name: 'agent_executions', type: 'counter', series: Array.from({ length: SHARDS }, (_, i) => [
      { labels: { agent_execution_outcome: 'completed', ...shardLabels(i) }, samples: completedSamples },
      { labels: { agent_execution_outcome: 'failed', ...shardLabels(i) }, samples: failedSamples },
    ]).flat() }]),
    dataDir,
  });
  log(`history: 30 days x ${String(2 * SHARDS)} series every ${STEP}s in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Recorded history for the long windows of every system.
  // (--also-commit's rules record the same series as agent-slo's: their history is agent-slo's.)
  const carrying = systems.filter((s) => alsoCommit === undefined || s.name !== `agent-slo@${alsoCommit}`).flatMap((s) => historyCarryingGroups(s.groups).map((g) => ({ ...g, name: `${s.name}:${g.name}` })));
  const restart = async () => {
    await prom?.stop();
    prom = await startPrometheus({ dataDir });
  };
  await restart();
  t0 = performance.now();
  await backfillRecordingRules({ groups: carrying, prometheusUrl: () => prom.url, dataDir, startSeconds: START, endSeconds: END, reload: restart, onProgress: log });
  log(`recorded history (${carrying.flatMap((g) => g.rules.map((r) => r.record)).join(', ')}) backfilled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await prom.stop();

  // Live traffic.
  const live = { completed: completedSamples.at(-1)[1], failed: failedSamples.at(-1)[1] };
  exporter = createServer((_req, res) => {
    live.completed += 15 + Math.floor(Math.random() * 10);
    if (Math.random() < 0.1) live.failed += 1;
    const lines = Array.from({ length: SHARDS }, (_, i) => `agent_executions_total{agent_execution_outcome="completed"${shardText(i)}} ${live.completed}\nagent_executions_total{agent_execution_outcome="failed"${shardText(i)}} ${live.failed}\n`);
    res.end(`# TYPE agent_executions_total counter\n${lines.join('')}`);
  });
  await new Promise((r) => exporter.listen(0, '127.0.0.1', r));
  const active = join(dir, 'active.yaml');
  await writeFile(active, 'groups: []\n', 'utf8');
  prom = await startPrometheus({
    dataDir,
    ruleFiles: [active],
    evaluationInterval: `${INTERVAL}s`,
    scrapeInterval: '15s',
    scrapeConfigs: [{ job_name: 'exporter', static_configs: [{ targets: [`127.0.0.1:${exporter.address().port}`] }] }],
  });
  log(`Prometheus ${prom.url}: ${SETTLE}s of live data before the first round`);
  await new Promise((r) => setTimeout(r, SETTLE * 1000));
  log(`compaction settled: ${await waitForCompaction(prom.url)} blocks loaded`);

  const load = [loadavg()[0]];
  const perRound = new Map(systems.map((s) => [s.name, []]));
  const errors = new Set();
  const cpu = () => processCpuSeconds(prom.pid);
  for (let r = 0; r < ROUNDS; r++) {
    // Prometheus' CPU with no rules loaded (scrapes, housekeeping): subtracted from each turn of this round.
    await writeRuleFile(active, [], INTERVAL);
    await prom.reload();
    const idle0 = [cpu(), Date.now()];
    await new Promise((res) => setTimeout(res, 2 * INTERVAL * 1000));
    const idleRate = (cpu() - idle0[0]) / ((Date.now() - idle0[1]) / 1000);
    const order = systems.map((_, i) => systems[(i + r) % systems.length]);
    for (const s of order) {
      await writeRuleFile(active, s.groups, INTERVAL);
      await prom.reload();
      const { times, errors: e, cpu: used, rules } = await collectEvaluations(prom.url, { evaluations: EVALS, timeoutMs: (EVALS + 3) * INTERVAL * 1000 + 60_000, cpu });
      for (const x of e) errors.add(`${s.name}: ${x}`);
      const cost = costFromTimes(s.groups, times);
      // CPU per evaluation round (idle subtracted), and per minute with the groups' production mix (wall-time weights).
      const cpuPerRoundMs = (Math.max(0, used.seconds - idleRate * used.wallSeconds) / EVALS) * 1000;
      cost.cpuPerMinuteMs = cpuPerRoundMs * (cost.perMinuteMs / cost.perRoundMs);
      perRound.get(s.name).push(cost);
      for (const rule of rules) {
        const k = `${rule.name} ${rule.query}`;
        const t = (s.ruleTimes ??= new Map()).get(k) ?? [];
        t.push(median(rule.times));
        s.ruleTimes.set(k, t);
      }
      log(`round ${r + 1}/${ROUNDS} ${s.name}: ${cost.perRoundMs.toFixed(2)} ms per evaluation round, ${cost.perMinuteMs.toFixed(2)} ms per minute, CPU ${cost.cpuPerMinuteMs.toFixed(1)} ms per minute (idle ${(idleRate * 1000).toFixed(1)} ms/s; load ${loadavg()[0].toFixed(1)})`);
      load.push(loadavg()[0]);
    }
  }
  if (errors.size > 0) log(`rule evaluation errors:\n  ${[...errors].join('\n  ')}`);

  const rows = systems.map((s) => {
    const c = perRound.get(s.name);
    return { s, perRound: median(c.map((x) => x.perRoundMs)), perMinute: median(c.map((x) => x.perMinuteMs)), rounds: c.map((x) => x.perMinuteMs), cpu: median(c.map((x) => x.cpuPerMinuteMs)) };
  });
  const slothRow = rows.find((r) => r.s.name === 'Sloth');
  const ratios = (r) => r.rounds.map((v, i) => v / slothRow.rounds[i]);
  console.log(`\nMeasured on ${commit} (main ${onMain}) — ${ROUNDS} interleaved rounds × ${EVALS} evaluations, bench pace ${INTERVAL}s; load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} on ${cpus().length} CPUs\n`);
  console.log('| rules for one availability SLO | source | rules | groups | eval per round (median) | eval per minute (median) | per-minute by round | vs Sloth (ratio of medians) | vs Sloth by round | Prometheus CPU per minute (median) | CPU vs Sloth |');
  console.log('|---|---|---:|---:|---:|---:|---|---:|---|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.s.name} | ${r.s.source} | ${ruleCount(r.s.groups)} | ${r.s.groups.length} | ${r.perRound.toFixed(2)} ms | ${r.perMinute.toFixed(2)} ms | ${r.rounds.map((v) => v.toFixed(1)).join(' / ')} | ${(r.perMinute / slothRow.perMinute).toFixed(2)}× | ${ratios(r).map((v) => v.toFixed(2)).join(' / ')} | ${r.cpu.toFixed(1)} ms | ${(r.cpu / slothRow.cpu).toFixed(2)}× |`);
  }
  // Where each system's time goes: its most expensive rules (median over rounds of the per-turn median, wall).
  for (const s of systems) {
    const top = [...(s.ruleTimes ?? new Map())].map(([k, t]) => [k, median(t)]).sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`\n${s.name}, most expensive rules (median wall per evaluation):`);
    for (const [k, t] of top) console.log(`- ${(t * 1000).toFixed(2)} ms: \`${k.length > 160 ? `${k.slice(0, 160)}…` : k}\``);
  }
} finally {
  exporter?.close();
  await prom?.stop();
  await rm(dir, { recursive: true, force: true });
}
