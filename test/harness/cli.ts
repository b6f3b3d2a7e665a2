import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the compiled `agent-slo` CLI as a user would (a separate node process). */
export function runAgentSlo(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string | Buffer } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    ...(opts.input === undefined ? {} : { input: opts.input }),
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Like runAgentSlo, without blocking the worker (lets `it.concurrent` cases overlap). */
export function runAgentSloAsync(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO_ROOT, env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Output of the CLI run in this process (joined lines). */
export interface InProcessRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in this process (`runCli` with a capturing Io): faster than a child process, same code path. */
export async function runCliInProcess(args: readonly string[]): Promise<InProcessRun> {
  const { runCli } = await import('../../src/cli/run.js');
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
