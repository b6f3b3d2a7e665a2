/**
 * Operational failures through the real CLI (a node process per case): every one exits with its documented code
 * (src/cli/exit-codes.ts) and one `agent-slo:` line on stderr, never 70 and never a stack trace. Cases are grouped by
 * failure class; each class has its own code. Paths that fail for any user (root included) are used for
 * permissions: /sys refuses writes, /proc/version is a file.
 */
import { spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { CLI } from '../harness/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-failures-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the CLI; `stdoutFile` redirects stdout to a file (e.g. /dev/full) as a shell would. */
async function cli(args: readonly string[], opts: { stdoutFile?: string; cwd?: string } = {}): Promise<Run> {
  const started = Date.now();
  const { openSync, closeSync } = await import('node:fs');
  const fd = opts.stdoutFile === undefined ? undefined : openSync(opts.stdoutFile, 'w');
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: opts.cwd ?? dir,
        env: { ...process.env, AGENT_SLO_PROMETHEUS_URL: '', AGENT_SLO_AUDIT_LOG: '' },
        stdio: ['ignore', fd ?? 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A log with one approval written by the CLI itself (so the chain and anchor are genuine). */
async function freshLog(name: string): Promise<string> {
  const log = join(dir, name, 'audit.jsonl');
  await mkdir(join(dir, name), { recursive: true });
  const r = await cli([...APPROVE, '--audit-log', log]);
  expect(r.code, r.stderr).toBe(0);
  return log;
}

const APPROVE = ['approve', '--profile', 'runtime-v1', '--objective', '*', '--actor', 'ci', '--reason', 'test', '--ticket', 'T-1', '--expires', '24h'];
const GATE = ['gate', '--profile', 'runtime-v1', '--prometheus-url', 'http://127.0.0.1:9', '--at', '1750000000'];

interface Case {
  readonly name: string;
  readonly code: number;
  /** stderr must match (the failure line, or the problem list it summarises). */
  readonly message: RegExp;
  readonly run: () => Promise<Run>;
}

const CASES: Record<string, Case[]> = {
  'usage: flags out of range or malformed, an output path that cannot be one (64)': [
    { name: '--timeout 99999999999d', code: EXIT.usage, message: /--timeout 99999999999d is out of range/, run: () => cli([...GATE, '--timeout', '99999999999d']) },
    { name: '--timeout 0s', code: EXIT.usage, message: /--timeout 0s is out of range/, run: () => cli([...GATE, '--timeout', '0s']) },
    { name: '--timeout soon', code: EXIT.usage, message: /--timeout "soon" is not a duration/, run: () => cli([...GATE, '--timeout', 'soon']) },
    { name: '--deadline 30d', code: EXIT.usage, message: /--deadline 30d is out of range/, run: () => cli([...GATE, '--deadline', '30d']) },
    { name: '--retries 11', code: EXIT.usage, message: /--retries "11" must be an integer 0\.\.10/, run: () => cli([...GATE, '--retries', '11']) },
    { name: '--max-response-size 1', code: EXIT.usage, message: /--max-response-size 1 is out of range/, run: () => cli([...GATE, '--max-response-size', '1']) },
    { name: 'ftp:// URL', code: EXIT.usage, message: /--prometheus-url scheme ftp: is not supported/, run: () => cli([...GATE, '--prometheus-url', 'ftp://prom.example']) },
    { name: 'unparsable URL', code: EXIT.usage, message: /--prometheus-url is not a valid URL/, run: () => cli([...GATE, '--prometheus-url', 'http://[::1']) },
    { name: 'bad header name', code: EXIT.usage, message: /--header "Bad Name…" must be "Name: value"/, run: () => cli([...GATE, '--header', 'Bad Name: x']) },
    { name: 'header value with a control character', code: EXIT.usage, message: /--header X-Org: the value has control characters/, run: () => cli([...GATE, '--header', 'X-Org: a\u0001b']) },
    { name: 'backfill check --step 99999999999d', code: EXIT.usage, message: /--step "99999999999d" must be a duration from 1s to 1d/, run: () => cli(['backfill', 'check', '--profile', 'runtime-v1', '--prometheus-url', 'http://127.0.0.1:9', '--from', '1749900000', '--to', '1750000000', '--step', '99999999999d']) },
    { name: 'generate --out onto an existing file', code: EXIT.usage, message: /a-file: is not a directory; nothing was written/, run: async () => {
      await writeFile(join(dir, 'a-file'), 'x');
      return cli(['generate', '--out', join(dir, 'a-file')]);
    } },
    { name: 'serve on port 99999', code: EXIT.usage, message: /port must be an integer 0\.\.65535/, run: () => cli(['serve', '--port', '99999']) },
  ],
  'missing input files (66)': [
    { name: 'spec file', code: EXIT.noInput, message: /missing\.yaml/, run: () => cli(['validate', join(dir, 'missing.yaml')]) },
    { name: '--ca-file', code: EXIT.noInput, message: /caFile: cannot read .*missing\.pem: ENOENT/, run: () => cli([...GATE, '--ca-file', join(dir, 'missing.pem')]) },
    { name: '--basic-auth-password-file', code: EXIT.noInput, message: /--basic-auth-password-file: cannot read .*missing-pw: no such file/, run: () => cli([...GATE, '--basic-auth-user', 'u', '--basic-auth-password-file', join(dir, 'missing-pw')]) },
  ],
  'outputs the system refuses to create (73)': [
    { name: 'generate --out into a directory nobody may write', code: EXIT.cannotWrite, message: /\/sys\/agent-slo-out: cannot write: .*\((EPERM|EACCES|EROFS)\)/, run: () => cli(['generate', '--out', '/sys/agent-slo-out']) },
    { name: 'generate --out under a file (/dev/full)', code: EXIT.cannotWrite, message: /\/dev\/full\/x: cannot write: a parent is not a directory/, run: () => cli(['generate', '--out', '/dev/full/x']) },
    { name: 'approve with the audit log in a read-only place', code: EXIT.cannotWrite, message: /audit log \/sys\/audit\.jsonl: cannot create lock/, run: () => cli([...APPROVE, '--audit-log', '/sys/audit.jsonl']) },
    { name: 'approve with the audit log under a file', code: EXIT.cannotWrite, message: /cannot write \/proc\/version/, run: () => cli([...APPROVE, '--audit-log', '/proc/version/audit.jsonl']) },
  ],
  'writes cut short: disk full (74)': [
    { name: 'validate > /dev/full', code: EXIT.ioError, message: /cannot write to stdout: no space left on device \(ENOSPC\)/, run: () => cli(['validate'], { stdoutFile: '/dev/full' }) },
    { name: 'schema > /dev/full', code: EXIT.ioError, message: /cannot write to stdout: no space left on device/, run: () => cli(['schema'], { stdoutFile: '/dev/full' }) },
    // /dev/full must be written in place (a rename over it would replace the device for everyone on the machine).
    { name: 'gate --output /dev/full', code: EXIT.ioError, message: /\/dev\/full: cannot write: no space left on device/, run: async () => {
      const r = await cli([...GATE, '--retries', '0', '--output', '/dev/full', '--audit-log', join(dir, 'full', 'audit.jsonl')]);
      expect((await lstat('/dev/full')).isCharacterDevice()).toBe(true);
      return r;
    } },
  ],
  'audit log that cannot be trusted (1)': [
    { name: 'approve onto a tampered log', code: EXIT.blockedOrCheckFailed, message: /refusing to extend a log that fails verification/, run: async () => {
      const log = await freshLog('tampered');
      await writeFile(log, (await readFile(log, 'utf8')).replace('"actor":"ci"', '"actor":"mallory"'));
      return cli([...APPROVE, '--audit-log', log]);
    } },
    { name: 'audit verify with a garbage anchor', code: EXIT.blockedOrCheckFailed, message: /the anchor is not .*cannot be verified/, run: async () => {
      const log = await freshLog('garbage-anchor');
      await writeFile(`${log}.anchor`, '\u0000garbage{');
      return cli(['audit', 'verify', '--audit-log', log]);
    } },
    { name: 'approve with a garbage anchor', code: EXIT.blockedOrCheckFailed, message: /the anchor is not/, run: async () => {
      const log = await freshLog('garbage-anchor-approve');
      await writeFile(`${log}.anchor`, '[1,2]');
      return cli([...APPROVE, '--audit-log', log]);
    } },
  ],
  'audit log locked by another writer (75)': [
    { name: 'approve while the lock is held', code: EXIT.tryAgain, message: /locked by another writer .*try again/, run: async () => {
      const log = await freshLog('locked');
      await writeFile(`${log}.lock`, '999999\n'); // fresh: taken over only after 60 s
      return cli([...APPROVE, '--audit-log', log]);
    } },
  ],
};

describe.concurrent.each(Object.entries(CASES))('%s', (_cls, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await c.run();
    const lines = r.stderr.trim().split('\n');
    // One failure line: ours ("agent-slo: …") or commander's for option syntax ("error: …").
    const failure = lines.filter((l) => l.startsWith('agent-slo:') || l.startsWith('error:'));
    expect(r.code, r.stderr).toBe(c.code);
    expect(failure, r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(c.message);
    expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
  });
});
