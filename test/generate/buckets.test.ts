import { describe, expect, it } from 'vitest';
import { GENERATED_BUCKETS as BUCKETS } from '../harness/buckets.js';

/** Every threshold of both shipped profiles, in the unit the metrics record. */
const SECONDS_THRESHOLDS = [8, 10, 15, 30, 60]; // runtime-v1 p95 latency 8000/10000/15000 ms; kokino 30 s / 60 s
const BYTES_THRESHOLDS = [500_000_000, 1_000_000_000]; // kokino 500 MB / 1 GB

/** Prometheus' histogram_quantile: linear interpolation inside the bucket holding rank q·n. */
function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number {
  const cumulative: number[] = [];
  counts.reduce((s, c, i) => (cumulative[i] = s + c), 0);
  const n = cumulative[cumulative.length - 1]!;
  const rank = q * n;
  const i = cumulative.findIndex((c) => c >= rank);
  if (i >= bounds.length) return bounds[bounds.length - 1]!;
  const lower = i === 0 ? 0 : bounds[i - 1]!;
  const below = i === 0 ? 0 : cumulative[i - 1]!;
  return lower + ((bounds[i]! - lower) * (rank - below)) / (cumulative[i]! - below);
}

function bucketCounts(bounds: readonly number[], samples: readonly number[]): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const s of samples) {
    const i = bounds.findIndex((b) => s <= b);
    counts[i === -1 ? bounds.length : i]!++;
  }
  return counts;
}

/** Deterministic log-normal samples whose empirical p95 (nearest rank) is then measured. */
function samples(seed: number, median: number, n: number): number[] {
  let x = seed;
  const rnd = (): number => ((x = (x * 48271) % 2147483647) / 2147483647);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
    return median * Math.exp(0.5 * z);
  });
}

const nearestRank = (q: number, xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(q * xs.length) - 1]!;

describe('generated bucket boundaries (buckets.json)', () => {
  it('have the simple generated shape: metric name → ascending finite numbers', () => {
    for (const [name, bounds] of Object.entries(BUCKETS)) {
      expect(name).toMatch(/^(gen_ai|agent)\.[a-z_.]+$/);
      expect(bounds.every((b, i) => Number.isFinite(b) && (i === 0 || b > bounds[i - 1]!)), name).toBe(true);
    }
  });

  it('contain every threshold of every profile as an exact boundary', () => {
    for (const name of ['gen_ai.invoke_agent.duration', 'agent.execution.duration', 'gen_ai.execute_tool.duration', 'gen_ai.client.operation.duration'] as const) {
      for (const t of SECONDS_THRESHOLDS) expect(BUCKETS[name], `${name} ${t}`).toContain(t);
    }
    for (const t of BYTES_THRESHOLDS) expect(BUCKETS['agent.execution.memory']).toContain(t);
  });

  it('decide "p95 > T" exactly and bound histogram_quantile error near every threshold', () => {
    const rows: string[] = [];
    const check = (bounds: readonly number[], thresholds: number[]): void => {
      for (const t of thresholds) {
        let maxAbs = 0;
        for (let k = 0; k < 41; k++) {
          const target = t * (0.9 + k * 0.005); // true p95 from 0.90·T to 1.10·T
          const xs = samples(1000 + k, 1, 4000);
          const scale = target / nearestRank(0.95, xs);
          const scaled = xs.map((v) => v * scale);
          const truth = nearestRank(0.95, scaled);
          const counts = bucketCounts(bounds, scaled);
          const atT = bucketCounts(bounds, scaled).slice(0, bounds.indexOf(t) + 1).reduce((a, b) => a + b, 0);
          // The gate's decision from bucket fractions is exact.
          expect(atT / scaled.length < 0.95, `T=${t} truth=${truth}`).toBe(truth > t);
          maxAbs = Math.max(maxAbs, Math.abs(histogramQuantile(0.95, bounds, counts) - truth));
        }
        rows.push(`T=${t}: max |histogram_quantile − true p95| for true p95 in [0.9T, 1.1T] = ${maxAbs.toPrecision(3)} (${((100 * maxAbs) / t).toFixed(2)} % of T)`);
        expect(maxAbs / t).toBeLessThanOrEqual(0.05);
      }
    };
    check(BUCKETS['gen_ai.invoke_agent.duration'], SECONDS_THRESHOLDS);
    check(BUCKETS['agent.execution.memory'], BYTES_THRESHOLDS);
    console.log(rows.join('\n'));
  });
});
