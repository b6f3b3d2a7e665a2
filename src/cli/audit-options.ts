/** The audit log options shared by gate, approve, override, audit, review and serve: where the log is, its anchor and key. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { anchorBesideLog, anchorPath, type AuditLocation } from '../audit/log.js';
import { UsageError } from './errors.js';

export const ENV_AUDIT_LOG = 'AGENT_SLO_AUDIT_LOG';
export const ENV_AUDIT_ANCHOR = 'AGENT_SLO_AUDIT_ANCHOR';
export const ENV_AUDIT_KEY_FILE = 'AGENT_SLO_AUDIT_KEY_FILE';
export const ENV_AUDIT_KEY = 'AGENT_SLO_AUDIT_KEY';
/** Shortest audit key accepted (HMAC-SHA256 keys shorter than this are guessable). */
const MIN_AUDIT_KEY_BYTES = 16;
export const DEFAULT_AUDIT_LOG = '.agent-slo/audit.jsonl';

export interface AuditFlags {
  auditLog?: string;
  auditAnchor?: string;
  auditKeyFile?: string;
}

/**
 * --audit-log, --audit-anchor and --audit-key-file. `read`: commands that only read and verify the log (review,
 * serve) and read none unless one is named.
 */
export function addAuditOptions(c: Command, use: 'write' | 'read' = 'write'): Command {
  const log = use === 'write' ? `hash-chained audit log (env ${ENV_AUDIT_LOG}; default ${DEFAULT_AUDIT_LOG})` : `release-gate audit log to read, verified first: gate runs, approvals and overrides (env ${ENV_AUDIT_LOG}; none by default)`;
  return c
    .option('--audit-log <file>', log)
    .option('--audit-anchor <file>', `anchor with the log's head hash; keep it where the log's writer cannot write (env ${ENV_AUDIT_ANCHOR}; default <audit-log>.anchor, which protects against accidents only)`)
    .option('--audit-key-file <file>', `HMAC key: records are keyed so a writer without the key cannot forge or re-chain them; without it a keyed log reads as unverified (env ${ENV_AUDIT_KEY_FILE}, or the key itself in ${ENV_AUDIT_KEY}; docs/security.md)`);
}

/** The audit key from --audit-key-file, $AGENT_SLO_AUDIT_KEY_FILE or $AGENT_SLO_AUDIT_KEY (one trailing newline dropped). */
export function auditKey(file: string | undefined): Buffer | undefined {
  const path = file ?? process.env[ENV_AUDIT_KEY_FILE];
  let key: Buffer;
  let source: string;
  if (path !== undefined && path !== '') {
    try {
      key = readFileSync(path);
    } catch (err) {
      throw new UsageError(`cannot read the audit key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    source = path;
  } else {
    const inline = process.env[ENV_AUDIT_KEY];
    if (inline === undefined || inline === '') return undefined;
    key = Buffer.from(inline, 'utf8');
    source = `$${ENV_AUDIT_KEY}`;
  }
  if (key.at(-1) === 0x0a) key = key.subarray(0, key.at(-2) === 0x0d ? -2 : -1);
  if (key.length < MIN_AUDIT_KEY_BYTES) throw new UsageError(`the audit key in ${source} has ${String(key.length)} bytes, fewer than ${String(MIN_AUDIT_KEY_BYTES)}: use e.g. \`head -c 32 /dev/urandom | base64\``);
  return key;
}

/** The log named by --audit-log or $AGENT_SLO_AUDIT_LOG with its anchor and key; undefined when none is named (read use). */
export function givenAuditLocation(opts: AuditFlags): AuditLocation | undefined {
  const log = opts.auditLog ?? process.env[ENV_AUDIT_LOG];
  return log === undefined || log === '' ? undefined : auditLocation({ ...opts, auditLog: log });
}

/** What verifying `loc` is worth, one note per weakness (empty when the anchor is apart and a key is used). */
export function auditTrustNotes(loc: AuditLocation): string[] {
  const notes: string[] = [];
  if (anchorBesideLog(loc)) {
    const dir = dirname(resolve(loc.log));
    notes.push(`the anchor ${anchorPath(loc)} sits beside the log: whoever can write ${dir} can truncate the log and re-anchor it undetected; keep the anchor out of the log writer's reach (--audit-anchor, docs/security.md)`);
  }
  if (loc.key === undefined) notes.push('the log is verified without a key: a writer of the log can recompute every hash (re-chain); key it with --audit-key-file (docs/security.md)');
  return notes;
}

export function auditLocation(opts: AuditFlags): AuditLocation {
  const log = opts.auditLog ?? process.env[ENV_AUDIT_LOG] ?? DEFAULT_AUDIT_LOG;
  const anchor = opts.auditAnchor ?? process.env[ENV_AUDIT_ANCHOR];
  const key = auditKey(opts.auditKeyFile);
  return { log, ...(anchor !== undefined && anchor !== '' ? { anchor } : {}), ...(key !== undefined ? { key } : {}) };
}
