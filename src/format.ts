/**
 * Text forms for people and for Prometheus, one home: durations (parsed and printed two ways: Prometheus durations
 * such as `1d` in rules, human windows such as `24h` in reasons) and numbers (JSON numbers with non-finite values
 * spelled as Prometheus does, significant-digit rounding for reports).
 */

/** Prometheus duration units, as seconds. */
const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

const DURATION_RE = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const PART_RE = /(\d+)(ms|s|m|h|d|w|y)/g;

/** True when `text` is a Prometheus duration such as `5m`, `1h30m` or `0s`. */
export function isDuration(text: string): boolean {
  return DURATION_RE.test(text);
}

/** Parses a Prometheus duration into seconds; returns undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!isDuration(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(PART_RE)) {
    total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
  }
  return total;
}

/** Seconds as the shortest Prometheus duration ("7d", "90m", "30s"): rule names, `for:`, windows in PromQL. */
export function promDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_SECONDS[unit] ?? 1;
    if (unit === 'w') continue; // weeks read badly next to days in rule names and reports
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${Math.round(seconds * 1000)}ms`;
}

/** A window as people say it: hours up to 2 days (24h, 48h), else the Prometheus duration (7d, 30d, 5m). */
export function humanWindow(seconds: number): string {
  if (seconds >= 3600 && seconds <= 2 * 86_400 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  return promDuration(seconds);
}

/** A JSON number, or the Prometheus spelling of a non-finite value; null when there is none. */
export type JsonNumber = number | '+Inf' | '-Inf' | 'NaN' | null;

export function jsonNumber(v: number | null | undefined): JsonNumber {
  if (v === null || v === undefined) return null;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v;
}

/** A number for people: up to 6 significant digits; NaN, +Inf and -Inf spelled out. */
export function humanNumber(v: number): string {
  const j = jsonNumber(v);
  return typeof j === 'string' ? j : String(Number.parseFloat(v.toPrecision(6)));
}

/** A JSON number for display; `—` when there is none. */
export function showNumber(v: JsonNumber): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  return humanNumber(v);
}

/**
 * A value in its objective unit for people (reports, reasons, serve display fields): ratios as percentages to two
 * decimals (more when needed not to round a miss up to 100%), ms and B whole, s/MB/GB with
 * one or two decimals, USD to a tenth of a cent, event counts as numbers. `none` stands in for a missing value.
 * JSON keeps full precision.
 */
export function unitValue(unit: string, v: JsonNumber | undefined, none = '—'): string {
  if (v === null || v === undefined) return none;
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return promValue(v);
  switch (unit) {
    case 'ratio': {
      const pct = v * 100;
      let digits = 2;
      while (digits < 6 && pct < 100 && Number(pct.toFixed(digits)) >= 100) digits++;
      return `${pct.toFixed(digits)}%`;
    }
    case 'ms':
      return Math.abs(v) < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
    case 's':
      return `${v.toFixed(Math.abs(v) < 10 ? 2 : 1)} s`;
    case 'By':
      return `${Math.round(v)} B`;
    case 'MB':
    case 'GB':
      return `${v.toFixed(1)} ${unit}`;
    case 'USD':
      return `$${v.toFixed(3)}`;
    default:
      return Number.isInteger(v) ? String(v) : v.toFixed(2);
  }
}

/** A threshold as written in the spec, with its unit: `97%`, `15000 ms`, `0.2 USD`, `0 events` (also in alert annotations). */
export function unitThreshold(unit: string, v: number): string {
  if (unit === 'ratio') return `${String(Number((v * 100).toPrecision(12)))}%`;
  return `${String(v)} ${unit === 'By' ? 'B' : unit}`;
}

/** A sample value as Prometheus writes it (exposition, OpenMetrics, messages): NaN, +Inf, -Inf, else the shortest JS form. */
export function promValue(value: number): string {
  const j = jsonNumber(value);
  return typeof j === 'string' ? j : String(value);
}
