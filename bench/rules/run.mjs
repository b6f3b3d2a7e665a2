// Benchmark (not a test): rule counts and evaluation cost of agent-slo's generated rules vs Sloth- and Pyrra-style
// rules for the same SLO (kokino availability, 99.5% over 30d), in one Prometheus over the same data: 30 days of
// backfilled history (30s samples) plus live traffic scraped from a local exporter. Recorded 5m rates (ours, and
// Sloth's ratio_rate5m) are backfilled for the 30 days too, so every long window reads a full month.
// Needs the compiled output (`npx tsc -b`).
//   node bench/rules/run.mjs [settleSeconds=420] [readings=6]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBlocks } from '../../dist/src/backfill/blocks.js';
import { backfillRecordingRules } from '../../dist/src/backfill/import-rules.js';
import { writeOpenMetrics } from '../../dist/src/backfill/openmetrics.js';
import { counterFromRates, seededRandom } from '../../dist/src/backfill/scenario.js';
import { renderRuleFile } from '../../dist/src/generate/prometheus/rules-file.js';
import { profileRuleGroups } from '../../dist/src/generate/prometheus/rules.js';
import { loadProfile } from '../../dist/src/profile/load.js';
import { startPrometheus } from '../../dist/src/stack/prometheus.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const settle = Number(process.argv[2] ?? 420);
const readings = Number(process.argv[3] ?? 6);
const STEP = 30;
const now = Math.floor(Date.now() / 1000);
const END = Math.floor((now - 3 * 3600 - 600) / 60) * 60;
const START = END - 30 * 86400;
const steps = (END - START) / STEP;
const rnd = seededRandom(7);
const perStep = Array.from({ length: steps }, () => 20 + Math.floor(rnd() * 20));
const failed = perStep.map((n) => (rnd() < 0.05 ? Math.round(n * 0.1) : 0));
const completed = perStep.map((n, i) => n - failed[i]);
const perMinute = (a) => a.map((v) => (v * 60) / STEP);
const hist = (a) => counterFromRates({ startSeconds: START, stepSeconds: STEP, perMinute: perMinute(a) });
const completedSamples = hist(completed);
const failedSamples = hist(failed);

const dir = await mkdtemp(join(tmpdir(), 'agent-slo-bench-rules-'));
const dataDir = join(dir, 'data');
let prom;
const live = { completed: completedSamples.at(-1)[1], failed: failedSamples.at(-1)[1] };
const exporter = createServer((_req, res) => {
  live.completed += 15 + Math.floor(Math.random() * 10);
  if (Math.random() < 0.1) live.failed += 1;
  res.end(`# TYPE agent_executions_total counter\nagent_executions_total{agent_execution_outcome="completed"} ${live.completed}\nagent_executions_total{agent_execution_outcome="failed"} ${live.failed}\n`);
});
try {
  let t0 = performance.now();
  await createBlocks({
    openMetrics: writeOpenMetrics([{ name: 'agent_executions', type: 'counter', series: [
      { labels: { agent_execution_outcome: 'completed' }, samples: completedSamples },
      { labels: { agent_execution_outcome: 'failed' }, samples: failedSamples },
    ] }]),
    dataDir,
  });
  console.log(`history: 30 days x 2 series every ${STEP}s in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const kokino = await loadProfile(join(root, 'profiles', 'kokino.yaml'), []);
  const ours = profileRuleGroups(kokino).find((g) => g.name.endsWith(':availability'));
  const oursFile = join(dir, 'agent-slo.yaml');
  await writeFile(oursFile, renderRuleFile(['agent-slo kokino availability group'], [ours]));
  const slothFile = join(here, 'sloth.yaml');
  const pyrraFile = join(here, 'pyrra.yaml');

  const restart = async () => {
    await prom?.stop();
    prom = await startPrometheus({ dataDir });
  };
  await restart();
  t0 = performance.now();
  const sloth5m = { name: 'sloth-5m', intervalSeconds: 60, rules: [{ record: 'slo:sli_error:ratio_rate5m', expr: '(sum(rate(agent_executions_total{agent_execution_outcome!="completed"}[5m]))) / (sum(rate(agent_executions_total[5m])))', labels: { sloth_id: 'kokino-availability', sloth_service: 'kokino', sloth_slo: 'availability', sloth_window: '5m' } }] };
  await backfillRecordingRules({ groups: [ours, sloth5m], prometheusUrl: () => prom.url, dataDir, startSeconds: START, endSeconds: END, maxLevel: 1, reload: restart });
  console.log(`5m-rate history (ours + Sloth's) backfilled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await prom.stop();

  await new Promise((r) => exporter.listen(0, '127.0.0.1', r));
  const target = `127.0.0.1:${exporter.address().port}`;
  prom = await startPrometheus({
    dataDir,
    ruleFiles: [oursFile, slothFile, pyrraFile],
    evaluationInterval: '1m',
    scrapeInterval: '15s',
    scrapeConfigs: [{ job_name: 'exporter', static_configs: [{ targets: [target] }] }],
  });
  console.log(`Prometheus ${prom.url}: waiting ${settle}s for live data and evaluations`);
  await new Promise((r) => setTimeout(r, settle * 1000));
  const samples = new Map();
  for (let i = 0; i < readings; i++) {
    const text = await (await fetch(`${prom.url}/metrics`)).text();
    for (const m of text.matchAll(/^prometheus_rule_group_last_duration_seconds\{rule_group="([^"]+)"\} (\S+)$/gm)) {
      const [, group, v] = m;
      if (!samples.has(group)) samples.set(group, []);
      samples.get(group).push(Number(v));
    }
    const evals = text.match(/^prometheus_rule_evaluation_failures_total\{rule_group="[^"]+"\} [1-9].*$/gm);
    if (evals) console.log(`evaluation failures: ${evals.join('; ')}`);
    await new Promise((r) => setTimeout(r, 30_000));
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const systems = [
    { name: 'agent-slo', file: oursFile, match: (g) => g.startsWith(oursFile) },
    { name: 'Sloth-style', file: slothFile, match: (g) => g.startsWith(slothFile) },
    { name: 'Pyrra-style', file: pyrraFile, match: (g) => g.startsWith(pyrraFile) },
  ];
  const { readFile } = await import('node:fs/promises');
  const rows = [];
  for (const s of systems) {
    const text = await readFile(s.file, 'utf8');
    const rules = (text.match(/^\s*- (record|alert):/gm) ?? []).length;
    const groups = [...samples.entries()].filter(([g]) => s.match(g));
    // Per-minute cost: each group's median evaluation time × evaluations per minute (interval from the file).
    let perEval = 0;
    let perMinuteCost = 0;
    for (const [g, v] of groups) {
      const name = g.split(';').pop();
      const interval = /interval: (\S+)/.exec(text.split(`name: ${name}`)[1] ?? '')?.[1] ?? '1m';
      const seconds = interval === '30s' ? 30 : interval === '2m30s' ? 150 : 60;
      perEval += median(v);
      perMinuteCost += median(v) * (60 / seconds);
    }
    rows.push({ name: s.name, rules, groups: groups.length, perEvalMs: perEval * 1000, perMinuteMs: perMinuteCost * 1000 });
  }
  const base = rows[0];
  console.log('\n| rules for one availability SLO | rules | groups | eval time per round (median) | eval time per minute | vs agent-slo (per minute) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rules} | ${r.groups} | ${r.perEvalMs.toFixed(2)} ms | ${r.perMinuteMs.toFixed(2)} ms | ${(r.perMinuteMs / base.perMinuteMs).toFixed(2)}x |`);
} finally {
  exporter.close();
  await prom?.stop();
  await rm(dir, { recursive: true, force: true });
}
