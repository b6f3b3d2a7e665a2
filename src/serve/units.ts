/**
 * The unit of a status gauge is read from its name's suffix, and the objective's value is converted to it.
 * Document 002's runbook greps `headless_latency_p95_ms` while the latency objective is stated in seconds: the
 * gauge must carry milliseconds. Unknown suffixes keep the objective's own unit.
 */
import type { Unit } from '../profile/model.js';

type Dimension = 'time' | 'bytes' | 'ratio' | 'other';

const SCALE: Partial<Record<Unit, { dimension: Dimension; toBase: number }>> = {
  s: { dimension: 'time', toBase: 1 },
  ms: { dimension: 'time', toBase: 0.001 },
  By: { dimension: 'bytes', toBase: 1 },
  MB: { dimension: 'bytes', toBase: 1e6 },
  GB: { dimension: 'bytes', toBase: 1e9 },
  ratio: { dimension: 'ratio', toBase: 1 },
};

/** Name suffixes that state a unit (Prometheus naming practice plus the spellings document 002 uses). */
const SUFFIXES: readonly (readonly [suffix: string, unit: Unit | 'percent'])[] = [
  ['_milliseconds', 'ms'],
  ['_ms', 'ms'],
  ['_seconds', 's'],
  ['_bytes', 'By'],
  ['_mb', 'MB'],
  ['_gb', 'GB'],
  ['_ratio', 'ratio'],
  ['_percent', 'percent'],
];

export interface GaugeUnit {
  /** The unit the gauge is exported in. */
  readonly unit: Unit | 'percent';
  /** Multiply the objective's value by this to get the gauge value. */
  readonly factor: number;
}

/** Thrown when a status metric's name states a unit the objective's unit cannot be converted to. */
export class StatusMetricUnitError extends Error {
  override readonly name = 'StatusMetricUnitError';
  constructor(
    readonly metric: string,
    readonly objectiveUnit: Unit,
    readonly gaugeUnit: string,
  ) {
    super(
      `statusMetric ${metric} says ${gaugeUnit} by its suffix but the objective's unit is ${objectiveUnit}; ` +
        'rename the metric (or drop the unit suffix) so the value is not exported in the wrong unit',
    );
  }
}

/** The unit a status gauge is exported in and the factor from the objective's unit (pure). */
export function gaugeUnit(metric: string, objectiveUnit: Unit): GaugeUnit {
  const lower = metric.toLowerCase();
  const hit = SUFFIXES.find(([suffix]) => lower.endsWith(suffix));
  if (hit === undefined) return { unit: objectiveUnit, factor: 1 };
  const [, unit] = hit;
  if (unit === objectiveUnit) return { unit, factor: 1 };
  if (unit === 'percent') {
    if (objectiveUnit === 'ratio') return { unit, factor: 100 };
    throw new StatusMetricUnitError(metric, objectiveUnit, unit);
  }
  const from = SCALE[objectiveUnit];
  const to = SCALE[unit];
  if (from === undefined || to === undefined || from.dimension !== to.dimension) throw new StatusMetricUnitError(metric, objectiveUnit, unit);
  return { unit, factor: roundFactor(from.toBase / to.toBase) };
}

function roundFactor(v: number): number {
  return Number.parseFloat(v.toPrecision(12));
}
