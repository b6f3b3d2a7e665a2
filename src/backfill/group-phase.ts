/**
 * A rule group's evaluation phase (XXH64 of {file, name} mod interval) and rule-file paths whose phase keeps
 * `promtool tsdb create-blocks-from rules` from dropping evaluations, under both label encodings (pure).
 * Why and how it was checked: docs/gate.md, "Backfilling recorded history without holes".
 */
import { xxhash64 } from './xxhash64.js';

export type LabelsEncoding = 'slicelabels' | 'stringlabels';
export const LABELS_ENCODINGS: readonly LabelsEncoding[] = ['slicelabels', 'stringlabels'];

const SEP = 0xff;

function sliceBytes(labels: readonly (readonly [string, string])[]): Uint8Array {
  const parts: number[] = [];
  const enc = new TextEncoder();
  for (const [n, v] of labels) parts.push(...enc.encode(n), SEP, ...enc.encode(v), SEP);
  return Uint8Array.from(parts);
}

/** stringlabels: each string as its length (one byte below 255, else 255 and 3 bytes little-endian) then its bytes. */
function stringBytes(labels: readonly (readonly [string, string])[]): Uint8Array {
  const parts: number[] = [];
  const enc = new TextEncoder();
  const put = (s: string): void => {
    const b = enc.encode(s);
    if (b.length < 255) parts.push(b.length);
    else parts.push(255, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff);
    parts.push(...b);
  };
  for (const [n, v] of labels) {
    put(n);
    put(v);
  }
  return Uint8Array.from(parts);
}

/** Prometheus' `labels.Labels.Hash()` of a label set (sorted by name here, as `labels.New` does). */
export function labelsHash(labels: Readonly<Record<string, string>>, encoding: LabelsEncoding): bigint {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return xxhash64(encoding === 'slicelabels' ? sliceBytes(sorted) : stringBytes(sorted));
}

/** A group interval (whole seconds, as rule groups have) in nanoseconds, the unit Prometheus' phase arithmetic uses. */
const intervalNs = (intervalSeconds: number): bigint => BigInt(intervalSeconds) * 1_000_000_000n;

/** The group's evaluation offset within its interval, in nanoseconds (`hash % interval`). */
export function groupOffsetNs(group: string, file: string, intervalSeconds: number, encoding: LabelsEncoding): bigint {
  return labelsHash({ name: group, file }, encoding) % intervalNs(intervalSeconds);
}

/** Margin below the interval end: promtool's 1 s hole plus 1 ms for the API's rounding of the query start. */
const HOLE_NS = 1_001_000_000n;

/** True when promtool's block-by-block backfill keeps every evaluation of this group under every labels encoding. */
export function keepsEveryEvaluation(group: string, file: string, intervalSeconds: number): boolean {
  const interval = intervalNs(intervalSeconds);
  return LABELS_ENCODINGS.every((e) => groupOffsetNs(group, file, intervalSeconds, e) + HOLE_NS <= interval);
}

/**
 * The first of `candidate(0)`, `candidate(1)`, … that keeps every evaluation of the group (at each of the intervals
 * given: one path serves every interval the group is backfilled at). An interval of 1 s or less has no such phase
 * (the hole is 1 s wide); it is refused.
 */
export function safeRuleFilePath(group: string, intervalSeconds: number | readonly number[], candidate: (attempt: number) => string): string {
  const intervals = typeof intervalSeconds === 'number' ? [intervalSeconds] : intervalSeconds;
  for (const i of intervals) {
    if (intervalNs(i) <= HOLE_NS) throw new RangeError(`group ${group}: an interval of ${i}s leaves no evaluation phase that promtool backfills without holes (use 2s or more)`);
  }
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const file = candidate(attempt);
    if (intervals.every((i) => keepsEveryEvaluation(group, file, i))) return file;
  }
  throw new Error(`group ${group}: no rule-file path among 10000 candidates keeps every evaluation (interval ${intervals.join('s, ')}s)`);
}
