import { spawn, type ChildProcess } from 'node:child_process';

/** A child process started by {@link spawnManaged}; killed as a process group on stop or when this process ends. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** The command line, for error messages. */
  readonly commandLine: string;
  /** Last lines of stdout and stderr, interleaved in arrival order. */
  logs(): string;
  /** Exit code or signal once the process has ended, otherwise undefined. */
  exitStatus(): ProcessExit | undefined;
  /** Resolves when the process has ended (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** SIGTERM to the process group, SIGKILL after `stopTimeoutMs`; resolves once the process has ended. Idempotent. */
  stop(): Promise<void>;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnManagedOptions {
  /** Short name used in messages, e.g. "prometheus". */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How many output lines to keep for error messages (default 60). */
  logLines?: number;
  /** Grace period between SIGTERM and SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  /** Called with every output line (stdout and stderr). */
  onLine?: (line: string) => void;
}

/** The binary could not be started at all (not installed, not executable). */
export class ProcessStartError extends Error {
  override readonly name = 'ProcessStartError';
  constructor(
    readonly processName: string,
    readonly commandLine: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${processName}: could not start \`${commandLine}\`: ${reason}`, options);
  }
}

const live = new Set<LiveEntry>();
interface LiveEntry {
  pid: number;
}
let handlersInstalled = false;

/** Signals the process group led by `pid`; falls back to the pid itself only while it is known to be ours. */
function killGroup(pid: number, signal: NodeJS.Signals, pidStillOurs = true): void {
  try {
    process.kill(-pid, signal);
  } catch {
    if (!pidStillOurs) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

const exitCleanups = new Set<() => void>();

function killAllNow(): void {
  for (const entry of live) killGroup(entry.pid, 'SIGKILL');
  live.clear();
  for (const cleanup of exitCleanups) {
    try {
      cleanup();
    } catch {
      // best effort while exiting
    }
  }
  exitCleanups.clear();
}

/**
 * Registers a synchronous cleanup (e.g. rmSync of a temp dir) to run when this Node process exits or is
 * interrupted, after managed processes were killed. Returns a function that unregisters it.
 */
export function registerExitCleanup(cleanup: () => void): () => void {
  installHandlers();
  exitCleanups.add(cleanup);
  return () => {
    exitCleanups.delete(cleanup);
  };
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // Let the default behaviour (or another handler) take over, as if we had not been here.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Pids of managed processes that are still running (for leak checks in tests). */
export function liveManagedPids(): number[] {
  return [...live].map((e) => e.pid);
}

/** True when a process with this pid exists (signal 0 probe). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Spawns a long-running binary in its own process group, keeps its last output lines, and guarantees it is
 * killed: on stop(), and on exit/SIGINT/SIGTERM of this Node process.
 * Rejects with ProcessStartError when the binary cannot be executed.
 */
export async function spawnManaged(options: SpawnManagedOptions): Promise<ManagedProcess> {
  const maxLines = options.logLines ?? 60;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const commandLine = [options.command, ...options.args].join(' ');
  const lines: string[] = [];
  const push = (line: string): void => {
    lines.push(line);
    if (lines.length > maxLines) lines.shift();
    options.onLine?.(line);
  };

  installHandlers();
  const child: ChildProcess = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true, // own process group, so stop() can kill everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === 'ENOENT' ? `${options.command} not found on PATH (install it, or pass the binary path)` : err.message;
      reject(new ProcessStartError(options.name, commandLine, hint, { cause: err }));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new ProcessStartError(options.name, commandLine, 'no pid after spawn');
  const entry: LiveEntry = { pid };
  live.add(entry);

  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) push(p);
    });
    stream.on('end', () => {
      if (partial) push(partial);
      partial = '';
    });
  }

  let status: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      status = { code, signal };
      live.delete(entry);
      resolve(status);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (status) return;
      killGroup(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), stopTimeoutMs);
      });
      const first = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (first === 'timeout') {
        killGroup(pid, 'SIGKILL');
        await exited;
      }
      // Kill anything left in the group (children of the child); the pid itself is reaped and may be reused.
      killGroup(pid, 'SIGKILL', false);
    })();
    return stopping;
  };

  return {
    name: options.name,
    pid,
    commandLine,
    logs: () => lines.join('\n'),
    exitStatus: () => status,
    exited,
    stop,
  };
}
