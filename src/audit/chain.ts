/**
 * The hash-chained audit log format and its verification (pure).
 *
 * Each line is one JSON record: `{v, seq, id, type, recordedAt, prevHash, data, hash}`; `hash` is the SHA-256 of the
 * canonical JSON of the record without `hash`, and `prevHash` is the previous record's hash (64 zeros for the
 * first). The anchor, kept outside the log, holds the head's `seq` and `hash`, so truncation at the tail is caught.
 *
 * Keyed records (`v: 2`) carry an HMAC-SHA256 under the operator's key instead of a plain SHA-256, and the anchor
 * then carries a MAC of the head too: a writer without the key can neither forge nor re-chain records. Unkeyed
 * (`v: 1`) records before the first keyed one stay verifiable; after it, an unkeyed record is a forgery.
 * Threat model: docs/security.md.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const AUDIT_FORMAT_VERSION = 1;
/** Records authenticated with the audit key (HMAC-SHA256). */
export const AUDIT_KEYED_VERSION = 2;
export const GENESIS_HASH = '0'.repeat(64);

export type AuditRecordType = 'approval' | 'override' | 'evaluation';

export interface AuditRecord {
  readonly v: number;
  readonly seq: number;
  readonly id: string;
  readonly type: AuditRecordType;
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly hash: string;
}

export interface AuditAnchor {
  readonly seq: number;
  readonly hash: string;
  /** HMAC of seq and hash under the audit key, when the log is keyed. */
  readonly mac?: string;
}

/** JSON with object keys sorted at every level (the hashed form). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The record's hash: SHA-256 for `v: 1`, HMAC-SHA256 under `key` for keyed records (`v: 2`). */
export function recordHash(record: Omit<AuditRecord, 'hash'>, key?: Buffer): string {
  const { v, seq, id, type, recordedAt, prevHash, data } = record;
  const text = canonicalJson({ v, seq, id, type, recordedAt, prevHash, data });
  if (v !== AUDIT_KEYED_VERSION) return createHash('sha256').update(text).digest('hex');
  if (key === undefined) throw new Error('a keyed record needs the audit key');
  return createHmac('sha256', key).update(text).digest('hex');
}

/** The anchor's MAC over the head it names. */
export function anchorMac(key: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`agent-slo-audit-anchor:${String(seq)}:${hash}`).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface VerifyProblem {
  /** 1-based line of the first bad record (0 when the problem is the anchor or the file as a whole). */
  readonly line: number;
  readonly seq?: number;
  readonly problem: string;
  /** True when the log is keyed and no key was given: nothing is known to be wrong, it cannot be checked. */
  readonly keyRequired?: boolean;
}

export type VerifyResult =
  | { readonly ok: true; readonly records: readonly AuditRecord[]; readonly head?: AuditAnchor; readonly keyed: number }
  | { readonly ok: false; readonly records: readonly AuditRecord[]; readonly first: VerifyProblem };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One log line → a record of the right shape, or what is wrong with it (not verified). */
export function parseLine(text: string): AuditRecord | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (!isRecord(raw)) return 'is not a JSON object';
  const r = raw;
  if (typeof r.seq !== 'number' || typeof r.id !== 'string' || typeof r.type !== 'string' || typeof r.recordedAt !== 'string') {
    return 'lacks seq, id, type or recordedAt';
  }
  if (typeof r.prevHash !== 'string' || typeof r.hash !== 'string' || !isRecord(r.data) || typeof r.v !== 'number') {
    return 'lacks v, prevHash, hash or data';
  }
  return raw as unknown as AuditRecord;
}

/**
 * Verifies log text against the anchor (undefined: no anchor file). Detects edits (hash mismatch), deletions and
 * reordering (seq and prevHash chain), truncation at the head (first seq/prevHash) and at the tail (anchor). With
 * `key`, keyed records and the anchor's MAC are checked too, and an unkeyed record after a keyed one is refused.
 */
export function verifyAuditText(text: string, anchor: AuditAnchor | undefined, key?: Buffer): VerifyResult {
  const records: AuditRecord[] = [];
  let keyed = 0;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const parsed = parseLine(lines[i] ?? '');
    if (typeof parsed === 'string') return { ok: false, records, first: { line, problem: `line ${line} ${parsed}` } };
    const expectedSeq = records.length + 1;
    const { hash, ...rest } = parsed;
    if (parsed.v === AUDIT_KEYED_VERSION) {
      if (key === undefined) {
        return { ok: false, records, first: { line, seq: parsed.seq, keyRequired: true, problem: `record seq ${parsed.seq} (line ${line}) is keyed (HMAC-SHA256): verify with the audit key` } };
      }
      keyed++;
    } else if (keyed > 0) {
      return { ok: false, records, first: { line, seq: parsed.seq, problem: `record seq ${parsed.seq} (line ${line}) is not keyed but follows keyed records: written without the key (forged)` } };
    }
    if (!sameHex(recordHash(rest, key), hash)) {
      return { ok: false, records, first: { line, seq: parsed.seq, problem: `record seq ${parsed.seq} (line ${line}) was edited: its content does not match its hash` } };
    }
    if (parsed.seq !== expectedSeq) {
      const what = parsed.seq > expectedSeq ? `record(s) ${expectedSeq}..${parsed.seq - 1} are missing (deleted)` : 'records are out of order';
      return { ok: false, records, first: { line, seq: parsed.seq, problem: `line ${line} holds seq ${parsed.seq}, expected ${expectedSeq}: ${what}` } };
    }
    if (parsed.prevHash !== prevHash) {
      return { ok: false, records, first: { line, seq: parsed.seq, problem: `record seq ${parsed.seq} (line ${line}) does not chain to the previous record (prevHash mismatch: deleted, inserted or reordered records)` } };
    }
    prevHash = hash;
    records.push(parsed);
  }
  const last = records[records.length - 1];
  if (anchor === undefined) {
    if (last === undefined) return { ok: true, records, keyed };
    return { ok: false, records, first: { line: 0, problem: 'the anchor file is missing, so truncation cannot be ruled out (restore it from the release job, or it was deleted)' } };
  }
  if (last === undefined) {
    if (anchor.seq === 0) return { ok: true, records, keyed };
    return { ok: false, records, first: { line: 0, seq: anchor.seq, problem: `the log is empty but the anchor names seq ${anchor.seq}: truncated` } };
  }
  if (anchor.seq > last.seq) {
    return { ok: false, records, first: { line: records.length + 1, seq: last.seq + 1, problem: `the log ends at seq ${last.seq} but the anchor names seq ${anchor.seq}: truncated (record seq ${last.seq + 1} onwards missing)` } };
  }
  if (anchor.seq < last.seq) {
    return { ok: false, records, first: { line: anchor.seq + 1, seq: anchor.seq + 1, problem: `the anchor names seq ${anchor.seq} but the log goes on to seq ${last.seq}: records appended without the audit writer` } };
  }
  if (anchor.hash !== last.hash) {
    return { ok: false, records, first: { line: records.length, seq: last.seq, problem: `the head record seq ${last.seq} differs from the anchor's hash: the tail was rewritten` } };
  }
  if (keyed > 0 && key !== undefined && (anchor.mac === undefined || !sameHex(anchorMac(key, anchor.seq, anchor.hash), anchor.mac))) {
    return { ok: false, records, first: { line: 0, seq: last.seq, problem: `the anchor's MAC is ${anchor.mac === undefined ? 'missing' : 'wrong'}: it was written without the audit key (re-anchored)` } };
  }
  return { ok: true, records, head: { seq: last.seq, hash: last.hash }, keyed };
}
