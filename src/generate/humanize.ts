/**
 * Values in the objective's unit, for people: the alert templates (Go text/template, evaluated by Prometheus or
 * vmalert) and the same formatting in TypeScript (thresholds in annotations, expected values in generated tests).
 */
import type { Unit } from '../profile/model.js';

/** Go's `%.4g` of a finite number, as Prometheus' humanizePercentage prints v·100. */
function goG4(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 4) {
    const [m, e] = v.toExponential(3).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(v.toPrecision(4)));
}

/** Go's `%.Nf`. */
function goFixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  return v.toFixed(digits);
}

interface UnitFormat {
  /** Go template rendering `$value` (or any pipeline result `x`) in the unit. */
  template(x: string): string;
  /** The same text computed in TypeScript. */
  format(v: number): string;
}

const FORMATS: Record<Unit, UnitFormat> = {
  ratio: { template: (x) => `{{ ${x} | humanizePercentage }}`, format: (v) => `${goG4(v * 100)}%` },
  ms: { template: (x) => `{{ ${x} | printf "%.0f" }} ms`, format: (v) => `${goFixed(v, 0)} ms` },
  s: { template: (x) => `{{ ${x} | printf "%.1f" }} s`, format: (v) => `${goFixed(v, 1)} s` },
  USD: { template: (x) => `{{ ${x} | printf "%.4f" }} USD`, format: (v) => `${goFixed(v, 4)} USD` },
  MB: { template: (x) => `{{ ${x} | printf "%.0f" }} MB`, format: (v) => `${goFixed(v, 0)} MB` },
  GB: { template: (x) => `{{ ${x} | printf "%.2f" }} GB`, format: (v) => `${goFixed(v, 2)} GB` },
  By: { template: (x) => `{{ ${x} | printf "%.0f" }} B`, format: (v) => `${goFixed(v, 0)} B` },
  events: { template: (x) => `{{ ${x} | printf "%.0f" }} events`, format: (v) => `${goFixed(v, 0)} events` },
};

/** Template text showing `$value` in the unit. */
export function valueTemplate(unit: Unit, pipeline = '$value'): string {
  return FORMATS[unit].template(pipeline);
}

/** TypeScript rendering identical to valueTemplate for the same number. */
export function formatValue(unit: Unit, v: number): string {
  return FORMATS[unit].format(v);
}

/** Percent rendering like humanizePercentage (for fractions in TypeScript). */
export function formatPercent(v: number): string {
  return FORMATS.ratio.format(v);
}
