/**
 * Audit trust: a keyed chain (HMAC-SHA256) that a writer without the key cannot forge or re-chain, the anchor kept
 * out of the writer's reach as a setting, and `audit verify` saying what its answer is worth (docs/security.md).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/chain.js';
import { appendAudit, verifyAuditLog } from '../../src/audit/log.js';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
let dir: string;
let log: string;
let keyFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-audit-keyed-'));
  log = join(dir, 'audit.jsonl');
  keyFile = join(dir, 'audit.key');
  await writeFile(keyFile, `${KEY.toString()}\n`);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function verifyCli(extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false };
  const code = await runCli(['audit', 'verify', '--audit-log', log, ...extra], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function lines(): Promise<Record<string, unknown>[]> {
  return (await readFile(log, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function write(records: Record<string, unknown>[]): Promise<void> {
  await writeFile(log, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** What a writer without the key can do: recompute every hash as a plain SHA-256 chain (v 1). */
function rechainWithoutKey(records: Record<string, unknown>[]): Record<string, unknown>[] {
  let prev = '0'.repeat(64);
  return records.map((r) => {
    const { hash: _hash, ...rest } = r;
    const unsigned = { ...rest, v: 1, prevHash: prev };
    const hash = createHash('sha256').update(canonicalJson(unsigned)).digest('hex');
    prev = hash;
    return { ...unsigned, hash };
  });
}

describe('keyed audit chain', () => {
  it('keyed records verify with the key; without it verify says the key is needed (exit 64), not "tampered"', async () => {
    for (let i = 0; i < 3; i++) await appendAudit({ log, key: KEY }, 'evaluation', { i });
    expect((await lines()).every((r) => r.v === 2)).toBe(true);
    const ok = await verifyCli(['--audit-key-file', keyFile]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/intact: 3 record/);
    const noKey = await verifyCli();
    expect(noKey.code).toBe(64);
    expect(noKey.err).toMatch(/is keyed \(HMAC-SHA256\): verify with the audit key/);
    expect(noKey.err).not.toMatch(/TAMPERED/);
  });

  it('an edit whose hash is recomputed without the key is caught (the record and the anchor MAC)', async () => {
    for (let i = 0; i < 3; i++) await appendAudit({ log, key: KEY }, 'evaluation', { verdict: 'blocked' });
    const records = await lines();
    const edited: Record<string, unknown> = { ...records[2]!, data: { verdict: 'pass' } };
    const { hash: _h, ...rest } = edited;
    edited.hash = createHash('sha256').update(canonicalJson(rest)).digest('hex');
    await write([records[0]!, records[1]!, edited]);
    const v = await verifyCli(['--audit-key-file', keyFile]);
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/record seq 3 \(line 3\) was edited/);
  });

  it('re-chaining the whole log without the key is caught by an anchor kept elsewhere; re-anchoring needs the key', async () => {
    const anchorDir = join(dir, 'release-job');
    await mkdir(anchorDir);
    const anchor = join(anchorDir, 'audit.anchor');
    for (let i = 0; i < 3; i++) await appendAudit({ log, anchor, key: KEY }, 'evaluation', { verdict: 'blocked' });
    const original = await lines();
    const forged = rechainWithoutKey(original.map((r) => ({ ...r, data: { verdict: 'pass' } })));
    await write(forged);
    const v = await verifyCli(['--audit-anchor', anchor, '--audit-key-file', keyFile]);
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/differs from the anchor's hash/);
    // Truncate to 2 keyed records and re-anchor without the key: the anchor's MAC is missing.
    await write(original.slice(0, 2));
    await writeFile(anchor, JSON.stringify({ seq: 2, hash: original[1]!.hash }));
    const t = await verifyCli(['--audit-anchor', anchor, '--audit-key-file', keyFile]);
    expect(t.code).toBe(1);
    expect(t.err).toMatch(/anchor's MAC is missing: it was written without the audit key/);
  });

  it('an unkeyed record appended after keyed ones is a forgery; appending without the key is refused', async () => {
    await appendAudit({ log, key: KEY }, 'evaluation', { i: 1 });
    await expect(appendAudit({ log }, 'evaluation', { i: 2 })).rejects.toThrow(/is keyed/);
    const records = await lines();
    const prev = records[0]!.hash as string;
    const unsigned = { v: 1, seq: 2, id: 'evl-x', type: 'evaluation', recordedAt: new Date().toISOString(), prevHash: prev, data: { verdict: 'pass' } };
    await write([...records, { ...unsigned, hash: createHash('sha256').update(canonicalJson(unsigned)).digest('hex') }]);
    const v = await verifyAuditLog({ log, key: KEY });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.first.problem).toMatch(/record seq 2 \(line 2\) is not keyed but follows keyed records/);
  });

  it('an old unkeyed log stays verifiable, takes keyed records after it, and its unkeyed prefix is then protected', async () => {
    for (let i = 0; i < 2; i++) await appendAudit({ log }, 'evaluation', { verdict: 'blocked' });
    const legacy = await verifyCli(['--audit-key-file', keyFile]);
    expect(legacy.code).toBe(0);
    expect(legacy.err).toMatch(/no record is keyed: the key protects nothing in this log yet/);
    await appendAudit({ log, key: KEY }, 'evaluation', { verdict: 'pass' });
    const mixed = await verifyCli(['--audit-key-file', keyFile]);
    expect(mixed.code, mixed.err).toBe(0);
    expect(mixed.err).toMatch(/2 record\(s\) before the first keyed one are unkeyed/);
    // Rewriting the unkeyed prefix (hashes recomputed) breaks the keyed record that chains to it.
    const records = await lines();
    const forged = rechainWithoutKey(records.slice(0, 2).map((r) => ({ ...r, data: { verdict: 'pass' } })));
    await write([...forged, records[2]!]);
    const v = await verifyCli(['--audit-key-file', keyFile]);
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/record seq 3 \(line 3\) does not chain to the previous record/);
  });

  it('verify says when the anchor sits beside the log or no key is used, and not when both are set up', async () => {
    await appendAudit({ log }, 'evaluation', {});
    const beside = await verifyCli();
    expect(beside.code).toBe(0);
    expect(beside.err).toMatch(/the anchor .*audit\.jsonl\.anchor sits beside the log: whoever can write .* can truncate the log and re-anchor it/);
    expect(beside.err).toMatch(/verified without a key/);
    const anchorDir = join(dir, 'elsewhere');
    await mkdir(anchorDir);
    const anchor = join(anchorDir, 'a.json');
    await rm(log);
    await appendAudit({ log, anchor, key: KEY }, 'evaluation', {});
    const apart = await verifyCli(['--audit-anchor', anchor, '--audit-key-file', keyFile]);
    expect(apart.code, apart.err).toBe(0);
    expect(apart.err).toBe('');
  });

  it('a key that is too short or unreadable is a usage error (64) naming the source', async () => {
    await writeFile(keyFile, 'short\n');
    const short = await verifyCli(['--audit-key-file', keyFile]);
    expect(short.code).toBe(64);
    expect(short.err).toMatch(/has 5 bytes, fewer than 16/);
    const missing = await verifyCli(['--audit-key-file', join(dir, 'nope')]);
    expect(missing.code).toBe(64);
    expect(missing.err).toMatch(/cannot read the audit key file .*nope: ENOENT/);
  });
});
