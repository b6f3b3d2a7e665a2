import { setTimeout as sleep } from 'node:timers/promises';
import { StackStartError } from './errors.js';
import type { ManagedProcess } from './process.js';

export type ReadyOutcome = { ok: true } | { ok: false; exited: true; addressInUse: boolean };

/**
 * Polls `readyUrl` until it answers 200. Resolves `{ ok: false, exited }` if the process ends first (so the caller
 * can retry on "address already in use"); throws StackStartError on timeout (after stopping the process).
 */
export async function waitForReady(proc: ManagedProcess, readyUrl: string, timeoutMs: number): Promise<ReadyOutcome> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (proc.exitStatus()) {
      return { ok: false, exited: true, addressInUse: /address already in use/i.test(proc.logs()) };
    }
    try {
      const res = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { ok: true };
      lastProblem = `${readyUrl} answered ${res.status}`;
    } catch (err) {
      lastProblem = `${readyUrl}: ${err instanceof Error ? err.message : String(err)}`;
    }
    await sleep(100);
  }
  await proc.stop();
  throw new StackStartError(proc.name, `not ready after ${timeoutMs} ms (${lastProblem})`, proc.logs());
}

export function exitDescription(proc: ManagedProcess): string {
  const s = proc.exitStatus();
  if (!s) return 'still running';
  return s.signal ? `killed by ${s.signal}` : `exited with code ${String(s.code)}`;
}
