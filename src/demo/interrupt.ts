/**
 * Ctrl-C for the demo: work in flight is raced against the interruption and aborted through `signal`; everything
 * guarded is remembered so the cleanup can wait for it to wind down (nothing writes into the working directory after
 * it is removed), and what a guarded call started late (after the interruption) is stopped with its `stopLate`.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class Interrupted extends Error {}

export interface InterruptScope {
  /** Aborted on Ctrl-C (promtool, the backfill's Prometheus, waits). */
  readonly signal: AbortSignal;
  /** Races `p` against Ctrl-C; throws {@link Interrupted} when the user stopped first. */
  readonly guard: <T>(p: Promise<T>, stopLate?: (v: T) => Promise<void>) => Promise<T>;
  /** A sleep that Ctrl-C ends. */
  readonly wait: (ms: number) => Promise<void>;
  readonly interrupted: () => boolean;
  /** Resolves on Ctrl-C (--keep-running waits for it); that stop then counts as a normal end. */
  readonly untilStopped: () => Promise<void>;
  /** Resolves when every guarded call has settled (never rejects). */
  readonly settled: () => Promise<void>;
}

export function createInterruptScope(stop: Promise<void>): InterruptScope {
  let interrupted = false;
  const abort = new AbortController();
  const stopRequested = stop.then(() => {
    interrupted = true;
    abort.abort(new Interrupted('interrupted'));
  });
  const inflight: Promise<unknown>[] = [];
  const guard = async <T>(p: Promise<T>, stopLate?: (v: T) => Promise<void>): Promise<T> => {
    inflight.push(
      p.then(
        (v) => (interrupted && stopLate !== undefined ? stopLate(v) : undefined),
        () => undefined,
      ),
    );
    let r: T | typeof Interrupted;
    try {
      r = await Promise.race([p, stopRequested.then(() => Interrupted)]);
    } catch (err) {
      // Work aborted by Ctrl-C rejects with its own AbortError: still an interruption.
      if (interrupted) throw new Interrupted('interrupted');
      throw err;
    }
    if (r === Interrupted) throw new Interrupted('interrupted');
    return r as T;
  };
  return {
    signal: abort.signal,
    guard,
    wait: (ms) => guard(sleep(ms, undefined, { signal: abort.signal })),
    interrupted: () => interrupted,
    untilStopped: async () => {
      await stopRequested;
      interrupted = false;
    },
    settled: async () => {
      await Promise.all(inflight);
    },
  };
}
