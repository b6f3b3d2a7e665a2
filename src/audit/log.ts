/**
 * The audit log on disk: append under an exclusive file lock (so concurrent release jobs serialise), anchor
 * rewritten atomically after each append, verification on read. Format and hash chain: chain.ts; the decisions it
 * holds are read by gate/decisions.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '../output.js';
import {
  anchorMac,
  AUDIT_FORMAT_VERSION,
  AUDIT_KEYED_VERSION,
  type AuditAnchor,
  type AuditRecord,
  type AuditRecordType,
  GENESIS_HASH,
  recordHash,
  verifyAuditText,
  type VerifyResult,
} from './chain.js';

export interface AuditLocation {
  readonly log: string;
  /** Default `<log>.anchor`. */
  readonly anchor?: string;
  /** HMAC key: records are written keyed and keyed records verified (docs/security.md). */
  readonly key?: Buffer;
}

/** Why the audit log cannot be used (the CLI maps each to an exit code: src/cli/failures.ts). */
export type AuditFailure = 'unreadable' | 'unwritable' | 'locked' | 'tampered' | 'bad-anchor';

/** The audit log cannot be used: unreadable, unwritable, locked too long, fails verification, or a garbage anchor. */
export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly failure: AuditFailure = 'unreadable',
  ) {
    super(`${file}: ${reason}`);
  }
}

export function anchorPath(loc: AuditLocation): string {
  return loc.anchor ?? `${loc.log}.anchor`;
}

/**
 * True when the anchor lies in the log's directory: whoever can write there can truncate the log and re-anchor it,
 * so the anchor then protects against accidents only (docs/security.md).
 */
export function anchorBesideLog(loc: AuditLocation): boolean {
  return dirname(resolve(anchorPath(loc))) === dirname(resolve(loc.log));
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AuditError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file);
  }
}

async function readAnchor(file: string): Promise<AuditAnchor | undefined> {
  const text = await readOptional(file);
  if (text === undefined) return undefined;
  try {
    const a = JSON.parse(text) as AuditAnchor;
    if (typeof a.seq !== 'number' || typeof a.hash !== 'string' || (a.mac !== undefined && typeof a.mac !== 'string')) throw new Error('shape');
    return a.mac === undefined ? { seq: a.seq, hash: a.hash } : { seq: a.seq, hash: a.hash, mac: a.mac };
  } catch {
    throw new AuditError('the anchor is not {"seq": N, "hash": "…"}', file, 'bad-anchor');
  }
}

/** Verifies the log against its anchor. A missing log and anchor is an empty, intact log. */
export async function verifyAuditLog(loc: AuditLocation): Promise<VerifyResult> {
  const text = (await readOptional(loc.log)) ?? '';
  return verifyAuditText(text, await readAnchor(anchorPath(loc)), loc.key);
}

const LOCK_STALE_MS = 60_000;

/** Runs `fn` holding `<log>.lock` (O_EXCL); waits up to `timeoutMs`; a lock older than 60 s is taken over. */
export async function withAuditLock<T>(loc: AuditLocation, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const lock = `${loc.log}.lock`;
  await mkdir(dirname(loc.log), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const h = await open(lock, 'wx');
      await h.writeFile(`${process.pid}\n`);
      await h.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new AuditError(`cannot create lock ${lock}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, loc.log, 'unwritable');
      try {
        const s = await stat(lock);
        if (Date.now() - s.mtimeMs > LOCK_STALE_MS) {
          await rm(lock, { force: true });
          continue;
        }
      } catch {
        continue;
      }
      if (Date.now() > deadline) throw new AuditError(`locked by another writer for more than ${timeoutMs} ms (${lock})`, loc.log, 'locked');
      await sleep(Math.min(100, 5 + attempt * 5) * (0.5 + Math.random()));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

/** Appends one record (after verifying the chain it extends) and moves the anchor. Returns the record. */
export async function appendAudit(loc: AuditLocation, type: AuditRecordType, data: Record<string, unknown>, id: string = newId(type)): Promise<AuditRecord> {
  return withAuditLock(loc, async () => {
    const verified = await verifyAuditLog(loc);
    if (!verified.ok) throw new AuditError(`refusing to extend a log that fails verification: ${verified.first.problem}`, loc.log, 'tampered');
    const last = verified.records[verified.records.length - 1];
    const key = loc.key;
    const unsigned = {
      v: key === undefined ? AUDIT_FORMAT_VERSION : AUDIT_KEYED_VERSION,
      seq: (last?.seq ?? 0) + 1,
      id,
      type,
      recordedAt: new Date().toISOString(),
      prevHash: last?.hash ?? GENESIS_HASH,
      data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
    };
    const record: AuditRecord = { ...unsigned, hash: recordHash(unsigned, key) };
    const h = await open(loc.log, 'a');
    try {
      await h.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
      await h.sync();
    } finally {
      await h.close();
    }
    const anchor = anchorPath(loc);
    await mkdir(dirname(anchor), { recursive: true });
    const head: AuditAnchor = key === undefined ? { seq: record.seq, hash: record.hash } : { seq: record.seq, hash: record.hash, mac: anchorMac(key, record.seq, record.hash) };
    await writeFileAtomic(anchor, `${JSON.stringify(head)}\n`);
    return record;
  });
}

export function newId(type: AuditRecordType): string {
  const prefix = type === 'approval' ? 'apr' : type === 'override' ? 'ovr' : 'evl';
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
