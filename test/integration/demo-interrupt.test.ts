/**
 * Stopping `agent-slo demo` from outside: Ctrl-C in the middle of the run, Ctrl-C after `--keep-running`, and a
 * SIGTERM to the CLI process alone (what a CI runner or `kill` sends). Ctrl-C is sent as a terminal sends it: SIGINT
 * to the whole foreground process group (the CLI runs in its own group here, as under a shell). In every case the
 * demo must stop what it started — Prometheus, Alertmanager, promtool, the runtime, the sink — and remove its
 * temporary working directory; no process may still mention that directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../src/stack/process.js';
import { REPO_ROOT } from '../harness/cli.js';
import { processesMentioning } from '../harness/processes.js';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

interface DemoProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the output so far once `re` matches it (rejects after `ms`). */
  waitFor(re: RegExp, ms: number): Promise<string>;
  exited: Promise<number | null>;
}

const running: DemoProcess[] = [];
afterEach(() => {
  for (const d of running.splice(0)) if (d.child.exitCode === null && d.child.pid !== undefined) process.kill(-d.child.pid, 'SIGKILL');
});

function startDemo(args: string[]): DemoProcess {
  const child = spawn(process.execPath, [CLI, 'demo', ...args], { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const d: DemoProcess = {
    child,
    output: () => out,
    exited,
    async waitFor(re, ms) {
      const until = Date.now() + ms;
      while (!re.test(out)) {
        if (child.exitCode !== null) throw new Error(`demo exited (${String(child.exitCode)}) before ${String(re)}:\n${out}`);
        if (Date.now() > until) throw new Error(`no ${String(re)} within ${String(ms)} ms:\n${out}`);
        await sleep(100);
      }
      return out;
    },
  };
  running.push(d);
  return d;
}

/** Waits until a promtool process works inside the demo's working directory (the backfill is under way). */
async function promtoolAtWork(out: string): Promise<void> {
  const dir = /working directory (\S+)/.exec(out)?.[1];
  expect(dir, out).toBeDefined();
  const until = Date.now() + 30_000;
  const promtool = (): boolean =>
    processesMentioning(dir!).some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('promtool');
      } catch {
        return false;
      }
    });
  while (!promtool()) {
    if (Date.now() > until) throw new Error(`no promtool at work in ${dir!} within 30 s`);
    await sleep(50);
  }
}

/** Everything the demo started is gone: the printed pids, any process mentioning the work dir, the dir itself. */
function expectNothingLeft(out: string): void {
  const dir = /working directory (\S+)/.exec(out)?.[1];
  expect(dir, out).toBeDefined();
  const pids = (/stopped: .*\(.*pids ([^)]*)\)/.exec(out)?.[1] ?? '').match(/\d+/g)?.map(Number) ?? [];
  for (const pid of pids) expect(isPidAlive(pid), `pid ${pid} still alive`).toBe(false);
  expect(processesMentioning(dir!), `processes still using ${dir!}`).toEqual([]);
  expect(existsSync(dir!), `${dir!} still exists`).toBe(false);
}

describe('agent-slo demo, stopped from outside', () => {
  it('Ctrl-C during the backfill: exit 130, says it was interrupted, and stops everything it started', async () => {
    const d = startDemo([]);
    await promtoolAtWork(await d.waitFor(/3\. Backfill history/, 120_000));
    process.kill(-d.child.pid!, 'SIGINT');
    const code = await d.exited;
    const out = d.output();
    expect(code, out).toBe(130);
    expect(out).toContain('interrupted: stopping the demo stack');
    expect(out).toContain('demo interrupted (SIGINT)');
    expect(out).toMatch(/stopped: Prometheus, Alertmanager, runtime and sink \([\d.]+ s; pids alertmanager \d+\)/);
    expect(out).not.toContain('Demo OK');
    expectNothingLeft(out);
  }, 180_000);

  it('SIGTERM to the CLI process alone during the backfill stops promtool too', async () => {
    const d = startDemo([]);
    await promtoolAtWork(await d.waitFor(/3\. Backfill history/, 120_000));
    d.child.kill('SIGTERM');
    const code = await d.exited;
    const out = d.output();
    expect(code, out).toBe(143);
    expect(out).toContain('demo interrupted (SIGTERM)');
    expect(out).toContain('interrupted: stopping the demo stack');
    expectNothingLeft(out);
  }, 180_000);

  it('--keep-running: the stack answers after the demo until Ctrl-C, then everything stops (exit 0)', async () => {
    const d = startDemo(['--keep-running', '--no-check']);
    const out = await d.waitFor(/press Ctrl-C to stop it/, 240_000);
    expect(out).toMatch(/Demo OK: 3\/3 verdicts as expected, live alert delivered/);
    const promUrl = /Prometheus rules\s+(\S+)\/rules/.exec(out)?.[1];
    const amUrl = /Alertmanager\s+(\S+)\/#\/alerts/.exec(out)?.[1];
    expect(promUrl).toBeDefined();
    expect(amUrl).toBeDefined();
    await sleep(3_000);
    expect(d.child.exitCode, 'still running after the demo').toBeNull();
    expect((await fetch(`${promUrl!}/-/ready`)).status).toBe(200);
    expect((await fetch(`${amUrl!}/-/ready`)).status).toBe(200);
    process.kill(-d.child.pid!, 'SIGINT');
    const code = await d.exited;
    expect(code, d.output()).toBe(0);
    await expect(fetch(`${promUrl!}/-/ready`)).rejects.toThrow();
    expectNothingLeft(d.output());
  }, 300_000);
});
