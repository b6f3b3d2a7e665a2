// Benchmark (not a test): promtool block creation with --max-block-duration=24h vs the 2h default, over the same
// OpenMetrics input made by the project's writer. Needs the compiled output: `npx tsc -b` first.
//   node bench/backfill/block-duration.mjs [days=8] [series=4] [rounds=2]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlocks } from '../../dist/src/backfill/blocks.js';
import { writeOpenMetrics } from '../../dist/src/backfill/openmetrics.js';
import { counterFromRates } from '../../dist/src/backfill/scenario.js';

const days = Number(process.argv[2] ?? 8);
const seriesCount = Number(process.argv[3] ?? 4);
const rounds = Number(process.argv[4] ?? 2);
const start = Date.UTC(2025, 5, 1) / 1000;
const steps = days * 1440;

let t0 = performance.now();
const text = writeOpenMetrics([
  {
    name: 'bench_requests',
    type: 'counter',
    series: Array.from({ length: seriesCount }, (_, i) => ({
      labels: { route: `r${i}` },
      samples: counterFromRates({ startSeconds: start, perMinute: (k) => ((k * 7 + i) % 13) + 1, steps }),
    })),
  },
]);
console.log(`writeOpenMetrics: ${seriesCount * (steps + 1)} samples in ${(performance.now() - t0).toFixed(0)} ms`);

const times = { '2h': [], '24h': [] };
for (let r = 0; r < rounds; r++) {
  for (const d of ['2h', '24h']) {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-bench-'));
    t0 = performance.now();
    const res = await createBlocks({ openMetrics: text, dataDir: dir, maxBlockDuration: d });
    times[d].push(performance.now() - t0);
    console.log(`round ${r + 1} max-block-duration=${d}: ${times[d].at(-1).toFixed(0)} ms, ${res.blocks.length} blocks`);
    await rm(dir, { recursive: true, force: true });
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median 2h ${median(times['2h']).toFixed(0)} ms, 24h ${median(times['24h']).toFixed(0)} ms, ratio 2h/24h ${(median(times['2h']) / median(times['24h'])).toFixed(2)}`);
