/**
 * A rule group's evaluation phase, and rule-file paths that keep `promtool tsdb create-blocks-from rules` from
 * dropping evaluations (pure).
 *
 * Prometheus evaluates a group at `k × interval + offset`, offset = hash(labels {file, name}) mod interval in
 * nanoseconds (rules/group.go `EvalTimestamp`, `hash`), where `file` is the rule-file path exactly as promtool was given
 * it. promtool backfills block by block (2h blocks): the block ending at boundary B queries up to B − 1 s (whole
 * seconds), the block from B starts at the first evaluation whose whole second is ≥ B (cmd/promtool/rules.go). An
 * evaluation in (B − 1 s, B) falls between the two and is never written: with a 5m group that is 1 phase in 300, with a
 * 1m group 1 in 60, at every 2h boundary of the backfilled range. Choosing the rule-file path so that the offset is at
 * most interval − 1 s (with 1 ms to spare for the API's millisecond rounding) keeps every evaluation.
 *
 * The label-set hash is XXH64 of an encoding that depends on how Prometheus was built: `slicelabels` (the default
 * before 3.x; Debian's 2.42) hashes `name 0xff value 0xff …`, `stringlabels` (the default in 3.x) hashes its packed
 * form (length-prefixed name and value). A safe path is chosen under both, so either build keeps every evaluation.
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
 * The first of `candidate(0)`, `candidate(1)`, … that keeps every evaluation of the group. An interval of 1 s or
 * less has no such phase (the hole is 1 s wide); it is refused.
 */
export function safeRuleFilePath(group: string, intervalSeconds: number, candidate: (attempt: number) => string): string {
  if (intervalNs(intervalSeconds) <= HOLE_NS) {
    throw new RangeError(`group ${group}: an interval of ${intervalSeconds}s leaves no evaluation phase that promtool backfills without holes (use 2s or more)`);
  }
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const file = candidate(attempt);
    if (keepsEveryEvaluation(group, file, intervalSeconds)) return file;
  }
  throw new Error(`group ${group}: no rule-file path among 10000 candidates keeps every evaluation (interval ${intervalSeconds}s)`);
}
