/**
 * Histogram `le` spellings. The same bound is written differently by different producers:
 * the JS exporter writes `500000000` and `30`, Go's client (strconv 'g') writes `5e+08`, and Prometheus 3
 * normalises classic-histogram bounds to OpenMetrics floats (`30.0`, `5e+08`). A matcher must accept all.
 */
import { escapeRegex } from '../escape.js';

/** Go's strconv.FormatFloat(v, 'g', -1, 64). */
export function goFormatG(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  if (v === 0) return '0';
  // JS and Go both produce the shortest round-tripping digits; Go switches to %e when exp < -4 || exp >= 6.
  const [mantissa, e] = v.toExponential().split('e') as [string, string];
  const exponent = Number(e);
  if (exponent < -4 || exponent >= 6) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(v);
}

/** Every spelling of bound `v` a `le` label may carry. */
export function leSpellings(v: number): string[] {
  const out = new Set<string>();
  const js = String(v);
  const go = goFormatG(v);
  out.add(js);
  out.add(go);
  for (const s of [js, go]) if (!/[.e]/.test(s)) out.add(`${s}.0`);
  return [...out];
}

/** Regex (for `le=~`) that matches every spelling of `v`. */
export function leRegex(v: number): string {
  return leSpellings(v).map(escapeRegex).join('|');
}
