import { PrometheusResponseError } from './errors.js';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A server value quoted in a message: whole when short, otherwise only its size (never a cut-off piece). */
export function quoteShort(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length <= 100 ? text : `(${typeof raw} of ${text.length} characters)`;
}

/**
 * Parses a sample value as Prometheus writes it in JSON (a string). `NaN`, `+Inf` and `-Inf` are mapped
 * explicitly (also `Inf`); anything else must be a plain decimal number. Throws PrometheusResponseError otherwise
 * (never returns NaN for garbage).
 */
export function parseSampleValue(raw: unknown, endpoint = ''): number {
  if (typeof raw !== 'string') {
    throw new PrometheusResponseError(`sample value must be a string, got ${typeof raw}`, endpoint);
  }
  switch (raw) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  if (!DECIMAL.test(raw)) {
    throw new PrometheusResponseError(`sample value ${quoteShort(raw)} is not a number`, endpoint);
  }
  return Number(raw);
}

/** Parses a sample timestamp (seconds, JSON number). */
export function parseTimestamp(raw: unknown, endpoint = ''): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    throw new PrometheusResponseError(`sample timestamp must be a finite number, got ${quoteShort(raw)}`, endpoint);
  }
  return raw;
}
