/** Times on the command line: `--at` and `--expires`. Pure. */
import { parseDuration } from '../format.js';

/** `now`, an ISO 8601 time with a zone (2025-06-08T00:00:00Z), or Unix seconds → seconds since the epoch. */
export function parseAt(text: string, nowSeconds: number): number | undefined {
  const t = text.trim();
  if (t === '' || t === 'now') return nowSeconds;
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return n > 1e11 ? undefined : n;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** An expiry: a duration after `fromSeconds` (24h, 3d) or an absolute time as accepted by parseAt. */
export function parseExpiry(text: string, fromSeconds: number): number | undefined {
  const d = parseDuration(text.trim());
  if (d !== undefined) return d > 0 ? fromSeconds + d : undefined;
  if (text.trim() === 'now') return undefined;
  return parseAt(text, fromSeconds);
}

export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** A time for people in reasons: `2026-11-26 10:55:00 UTC` (whole seconds). */
export function utcTime(seconds: number): string {
  return new Date(Math.round(seconds) * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A length of time for people, largest units first: `2h5m`, `1d2h`, `45s` (whole seconds). */
export function spanText(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) out += `${String(Math.floor(rest / size))}${unit}`;
    rest %= size;
  }
  return out;
}
