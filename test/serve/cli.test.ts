import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { runCli } from '../../src/cli/run.js';
import { CLI, REPO_ROOT } from '../harness/cli.js';

function io(): Io & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l), isTty: false };
}

describe('agent-slo serve options', () => {
  it('rejects a bad port and a negative cache interval with exit 64', async () => {
    const a = io();
    expect(await runCli(['serve', '--port', 'abc'], a)).toBe(64);
    expect(a.errLines.join('\n')).toMatch(/port must be an integer/);
    const b = io();
    expect(await runCli(['serve', '--cache-seconds', '-1'], b)).toBe(64);
    expect(b.errLines.join('\n')).toMatch(/--cache-seconds must be a number >= 0/);
  });

  it('reports a port already in use as a usage error naming --port', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const c = io();
      expect(await runCli(['serve', '--profile', 'kokino', '--port', String(port), '--prometheus-url', 'http://127.0.0.1:9'], c)).toBe(64);
      expect(c.errLines.join('\n')).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('agent-slo serve audit options (the set gate, audit and review use)', () => {
  it('an audit key that is too short is a usage error (64) naming the source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-serve-audit-'));
    try {
      await writeFile(join(dir, 'key'), 'short\n');
      const c = io();
      expect(await runCli(['serve', '--profile', 'kokino', '--port', '0', '--prometheus-url', 'http://127.0.0.1:9', '--audit-log', join(dir, 'a.jsonl'), '--audit-key-file', join(dir, 'key')], c)).toBe(64);
      expect(c.errLines.join('\n')).toMatch(/the audit key in .*key has 5 bytes, fewer than 16/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says at start-up when the anchor sits beside the log and no key is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-serve-audit-'));
    const child = spawn(process.execPath, [CLI, 'serve', '--profile', 'kokino', '--port', '0', '--prometheus-url', 'http://127.0.0.1:9', '--audit-log', join(dir, 'a.jsonl')], { cwd: REPO_ROOT });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise((r) => child.on('close', r));
    try {
      const deadline = Date.now() + 20_000;
      while (!/without a key/.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(err).toMatch(/note: audit log .*a\.jsonl: the anchor .*a\.jsonl\.anchor sits beside the log: whoever can write .* can truncate the log and re-anchor it undetected/);
      expect(err).toMatch(/note: audit log .*: the log is verified without a key/);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('agent-slo serve spec checks', () => {
  it('refuses a statusMetric whose unit suffix does not fit the objective (exit 65) before listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-serve-spec-'));
    try {
      const spec = join(dir, 'kokino-bad.yaml');
      await writeFile(spec, (await readFile(shippedProfilePath('kokino'), 'utf8')).replace('statusMetric: headless_availability_ratio', 'statusMetric: headless_availability_ms'));
      const c = io();
      expect(await runCli(['serve', '--spec', spec, '--port', '0', '--prometheus-url', 'http://127.0.0.1:9'], c)).toBe(65);
      expect(c.errLines.join('\n')).toMatch(/statusMetric headless_availability_ms says ms by its suffix but the objective's unit is ratio/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
