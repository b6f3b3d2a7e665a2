/**
 * Histogram bucket boundaries for a runtime's instrumentation, generated from the profiles as data (buckets.json,
 * passed to the instrumentation as its `buckets` option): a base ladder per unit plus, for every threshold T
 * (target, warning, critical) of every histogram objective in that unit, the boundaries 0.90·T, 0.95·T, T, 1.05·T,
 * 1.10·T. Every threshold is an exact boundary, so bucket fractions at it are exact.
 */
import {
  METRIC_AGENT_EXECUTION_DURATION,
  METRIC_AGENT_EXECUTION_MEMORY,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
} from '@agent-slo/instrumentation';
import type { HistogramUnit, Profile } from '../profile/model.js';
import { histogramBounds, roundBound } from '../sli/queries.js';
import type { GeneratedFile } from './types.js';

/** Under the output root, beside rules/, alertmanager/ and dashboards/. */
export const BUCKETS_FILE = 'buckets.json';

type RecordedUnit = Extract<HistogramUnit, 's' | 'By'>;

const BASE: Record<RecordedUnit, readonly number[]> = {
  s: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 6, 20, 45, 90, 120, 300, 600],
  By: [50e6, 100e6, 200e6, 300e6, 400e6, 700e6, 800e6, 1.5e9, 2e9, 4e9, 8e9, 16e9],
};

/** The instrumentation package's histograms (OTel names) and the unit they record in. */
const HISTOGRAMS: readonly { name: string; unit: RecordedUnit }[] = [
  { name: METRIC_GEN_AI_EXECUTE_TOOL_DURATION, unit: 's' },
  { name: METRIC_GEN_AI_CLIENT_OPERATION_DURATION, unit: 's' },
  { name: METRIC_GEN_AI_INVOKE_AGENT_DURATION, unit: 's' },
  { name: METRIC_AGENT_EXECUTION_DURATION, unit: 's' },
  { name: METRIC_AGENT_EXECUTION_MEMORY, unit: 'By' },
];

const SPREAD = [0.9, 0.95, 1, 1.05, 1.1] as const;

/** Thresholds per recorded unit, from every histogram objective (and histogram error budget) of the profiles. */
export function histogramThresholds(profiles: readonly Profile[]): Record<RecordedUnit, number[]> {
  const out: Record<RecordedUnit, Set<number>> = { s: new Set(), By: new Set() };
  for (const p of profiles) {
    for (const o of p.objectives) {
      const s = o.sli;
      if (s.kind !== 'quantile' && s.kind !== 'average') continue;
      const unit = s.histogram.unit === 'ms' ? 's' : s.histogram.unit;
      const scale = s.histogram.unit === 'ms' ? 0.001 : 1;
      for (const { bound } of histogramBounds(o, s.histogram)) out[unit].add(roundBound(bound * scale));
    }
  }
  return { s: [...out.s].sort((a, b) => a - b), By: [...out.By].sort((a, b) => a - b) };
}

export function bucketBoundaries(profiles: readonly Profile[]): Record<string, number[]> {
  const thresholds = histogramThresholds(profiles);
  const perUnit: Record<RecordedUnit, number[]> = { s: [], By: [] };
  for (const unit of ['s', 'By'] as const) {
    const set = new Set<number>(BASE[unit]);
    for (const t of thresholds[unit]) for (const f of SPREAD) set.add(Number.parseFloat((t * f).toPrecision(6)));
    perUnit[unit] = [...set].sort((a, b) => a - b);
  }
  return Object.fromEntries(HISTOGRAMS.map((h) => [h.name, perUnit[h.unit]]));
}

/** `{ "<metric>": [ascending boundaries], ... }`, one metric a line. */
export function generateBucketsFile(profiles: readonly Profile[]): GeneratedFile {
  const entries = Object.entries(bucketBoundaries(profiles)).map(([name, values]) => `  ${JSON.stringify(name)}: ${JSON.stringify(values)}`);
  return { path: BUCKETS_FILE, content: `{\n${entries.join(',\n')}\n}\n` };
}
