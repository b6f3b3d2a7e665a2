/**
 * How a wrapped call ended, for the recorder's `with*` wrappers: the `error.type` of what it threw, and `timed`,
 * which runs a function (sync or promise-returning) and reports its end without changing what it returns or throws.
 */
import { VALUE_OTHER } from './semconv.js';

const isString = (s: unknown): s is string => typeof s === 'string';

/**
 * The `error.type` of a thrown value: the class name of an Error (e.g. `TypeError`, `APIConnectionError`),
 * or `_OTHER` when it has none (the convention's fallback).
 */
export function errorTypeOf(err: unknown): string {
  try {
    if (err !== null && typeof err === 'object') {
      const ctor = (err as { constructor?: { name?: unknown } }).constructor;
      const name = ctor?.name;
      if (isString(name) && name.length > 0 && name !== 'Object') return name;
    }
  } catch {
    // a hostile getter: fall through
  }
  return VALUE_OTHER;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return (
      value !== null &&
      (typeof value === 'object' || typeof value === 'function') &&
      typeof (value as { then?: unknown }).then === 'function'
    );
  } catch {
    return false;
  }
}

/**
 * Calls `fn`, then `done(error?)` once it has returned, thrown, resolved or rejected. Returns exactly what `fn`
 * returned (the same promise object, so subclasses such as the OpenAI client's APIPromise keep their methods)
 * and rethrows exactly what it threw. `done` is guarded: it never throws into the host.
 */
export function timed<T>(fn: () => T, internal: (err: unknown) => void, done: (failed: boolean, err: unknown) => void): T {
  const finish = (failed: boolean, err: unknown): void => {
    try {
      done(failed, err);
    } catch (e) {
      internal(e);
    }
  };
  let result: T;
  try {
    result = fn();
  } catch (err) {
    finish(true, err);
    throw err;
  }
  if (isThenable(result)) {
    try {
      result.then(
        () => finish(false, undefined),
        (err: unknown) => finish(true, err),
      );
    } catch (e) {
      internal(e);
    }
  } else {
    finish(false, undefined);
  }
  return result;
}
