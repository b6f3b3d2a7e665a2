import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { appendAudit, verifyAuditLog } from '../../src/audit/log.js';
import { canonicalJson, recordHash } from '../../src/audit/chain.js';

let dir: string;
let log: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-audit-'));
  log = join(dir, 'audit.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))]);
}

async function verifyCli(): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false };
  const code = await runCli(['audit', 'verify', '--audit-log', log], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function seed(n: number): Promise<string[]> {
  for (let i = 1; i <= n; i++) await appendAudit({ log }, 'evaluation', { i, verdict: 'pass' });
  return (await readFile(log, 'utf8')).trim().split('\n');
}

async function writeLines(lines: string[]): Promise<void> {
  await writeFile(log, lines.length ? `${lines.join('\n')}\n` : '', 'utf8');
}

describe('audit log', () => {
  it('canonical JSON sorts keys at every level, so the hash does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    const r = { v: 1, seq: 1, id: 'x', type: 'evaluation' as const, recordedAt: 't', prevHash: '0', data: { a: 1, b: 2 } };
    expect(recordHash(r)).toBe(recordHash({ ...r, data: { b: 2, a: 1 } }));
  });

  it('an intact log verifies (exit 0); an empty, never-written log is intact', async () => {
    expect((await verifyCli()).code).toBe(0);
    await seed(3);
    const v = await verifyCli();
    expect(v.code, v.err).toBe(0);
    expect(v.out).toMatch(/intact: 3 record\(s\), head seq 3/);
  });

  it('detects an edit and names the record', async () => {
    const lines = await seed(4);
    lines[1] = lines[1]!.replace('"verdict":"pass"', '"verdict":"blocked"');
    await writeLines(lines);
    const v = await verifyCli();
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/TAMPERED: record seq 2 \(line 2\) was edited/);
  });

  it('detects an edit that also recomputes the record hash (chain breaks at the next record)', async () => {
    const lines = await seed(3);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    rec.data = { i: 1, verdict: 'blocked' };
    const { hash: _h, ...rest } = rec;
    rec.hash = recordHash(rest as never);
    lines[0] = JSON.stringify(rec);
    await writeLines(lines);
    const v = await verifyCli();
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/record seq 2 \(line 2\) does not chain to the previous record/);
  });

  it('detects a deletion in the middle', async () => {
    const lines = await seed(4);
    lines.splice(1, 1);
    await writeLines(lines);
    const v = await verifyCli();
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/line 2 holds seq 3, expected 2: record\(s\) 2\.\.2 are missing \(deleted\)/);
  });

  it('detects reordering', async () => {
    const lines = await seed(4);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    await writeLines(lines);
    const v = await verifyCli();
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/line 2 holds seq 3, expected 2/);
  });

  it('detects truncation at the tail through the anchor', async () => {
    const lines = await seed(4);
    await writeLines(lines.slice(0, 2));
    const v = await verifyCli();
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/the log ends at seq 2 but the anchor names seq 4: truncated \(record seq 3 onwards missing\)/);
  });

  it('detects truncation of the whole log and at the head', async () => {
    const lines = await seed(3);
    await writeLines([]);
    expect((await verifyCli()).err).toMatch(/the log is empty but the anchor names seq 3: truncated/);
    await writeLines(lines.slice(1));
    expect((await verifyCli()).err).toMatch(/line 1 holds seq 2, expected 1/);
  });

  it('detects a deleted anchor and a rewritten tail', async () => {
    const lines = await seed(2);
    await rm(`${log}.anchor`);
    expect((await verifyCli()).err).toMatch(/anchor file is missing/);
    await writeFile(`${log}.anchor`, JSON.stringify({ seq: 2, hash: 'f'.repeat(64) }));
    await writeLines(lines);
    expect((await verifyCli()).err).toMatch(/head record seq 2 differs from the anchor's hash/);
  });

  it('refuses to extend a tampered log', async () => {
    const lines = await seed(2);
    await writeLines([lines[1]!]);
    await expect(appendAudit({ log }, 'evaluation', {})).rejects.toThrow(/refusing to extend a log that fails verification/);
  });

  it('serialises concurrent appends (the O_EXCL lock file is the only serialisation: 60 interleaved writers)', async () => {
    await Promise.all(Array.from({ length: 60 }, (_, i) => appendAudit({ log }, 'evaluation', { who: `w${i % 6}`, i })));
    const v = await verifyAuditLog({ log });
    expect(v.ok, v.ok ? '' : v.first.problem).toBe(true);
    expect(v.records.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(v.records.map((r) => (r.data as { i: number }).i)).size).toBe(60);
  }, 60_000);

  it('a lock held by a dead writer is taken over after it goes stale; a live one makes the writer wait', async () => {
    await writeFile(`${log}.lock`, '99999\n');
    const { utimes } = await import('node:fs/promises');
    const old = new Date(Date.now() - 120_000);
    await utimes(`${log}.lock`, old, old);
    await appendAudit({ log }, 'evaluation', { stale: true });
    await writeFile(`${log}.lock`, '1\n');
    const pending = appendAudit({ log }, 'evaluation', { waited: true });
    expect(await withTimeout(pending, 300)).toBe('timeout');
    await rm(`${log}.lock`);
    expect((await pending).seq).toBe(2);
    expect((await verifyAuditLog({ log })).ok).toBe(true);
  });
});
