// `npm run bench`: the benchmarks (not tests: nothing here runs in CI). Without arguments it lists them with their
// commands; `npm run bench -- <name> [args...]` builds what that bench needs and runs it with the given arguments.
// Results and the runs behind them are in BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = ['npx', 'tsc', '-b'];
const buildHarness = ['npx', 'tsc', '-b', 'tsconfig.harness.json'];
const benches = [
  { name: 'instrumentation', file: 'bench/instrumentation/record.mjs', node: ['--expose-gc'], build, section: 'Instrumentation', what: 'recording cost per call and memory of the instrumentation package' },
  { name: 'backfill', file: 'bench/backfill/block-duration.mjs', args: '[days=8] [series=4] [rounds=2]', build, section: 'Backfill (promtool block duration)', what: 'promtool block creation: 2h vs 24h blocks' },
  { name: 'collector', file: 'bench/collector/throughput.mjs', args: '[--series 1000] [--runtimes 4] [--stage-seconds 10] [--rates 5,10,20,40,80]', build: buildHarness, section: 'Collector', what: 'OTLP metric throughput of the built collector (needs collector-config/build.sh)' },
  { name: 'collector-spans', file: 'bench/collector/spans-throughput.mjs', args: '[--rates 2000,5000,10000,20000] [--runtimes 4] [--batch 512] [--stage-seconds 10]', build: buildHarness, section: 'Collector: span path', what: 'spans → metrics throughput of the built collector' },
  { name: 'gate', file: 'bench/gate/decision.mjs', args: '[--repeat 5]', build, section: 'Gate', what: 'one gate decision, recorded vs raw, CLI vs in process' },
  { name: 'rules', file: 'bench/rules/run.mjs', args: '[--rounds 3] [--evals 3] [--interval 10] [--settle 60] [--series 1]', build, section: 'Rules', what: 'evaluation cost per minute vs real Sloth (bench/build-sloth.sh) and a Pyrra-shaped file, interleaved rounds' },
  { name: 'scale', file: 'bench/scale/run.mjs', args: '[--points p1s3,p10s3,p100s3,p1s4,p1s5] [--span-hours 192] [--resolution 3600] [--pace 30] [--gate-runs 3] [--scrape 30] [--block-hours 24] [--wait-minutes 10] [--query-timeout 2m] [--reach-back-ab 0] [--window-probes always]', build, section: 'Scale curve', what: 'rule evaluation per minute and gate wall time at 1/10/100 profiles and 10³/10⁴/10⁵ series per metric' },
];

const [name, ...rest] = process.argv.slice(2);
const bench = benches.find((b) => b.name === name);
if (name === undefined || name === '--help' || name === '-h' || bench === undefined) {
  if (name !== undefined && !['--help', '-h'].includes(name)) console.error(`unknown bench "${name}"\n`);
  console.log('Benchmarks (results in BENCHMARKS.md, by section). Run one: npm run bench -- <name> [args]\n');
  for (const b of benches) {
    console.log(`  ${b.name.padEnd(16)} ${b.what}`);
    console.log(`  ${''.padEnd(16)} ${b.build.join(' ')} && node ${[...(b.node ?? []), b.file].join(' ')}${b.args ? ` ${b.args}` : ''}   (## ${b.section})`);
  }
  process.exit(name === undefined || ['--help', '-h'].includes(name) ? 0 : 2);
}
const step = (cmd) => {
  console.error(`$ ${cmd.join(' ')}`);
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step(bench.build);
step(['node', ...(bench.node ?? []), bench.file, ...rest]);
