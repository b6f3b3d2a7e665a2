/** Retries of transient failures: exponential backoff with jitter, never past the connection's deadline. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from './connection.js';
import { PrometheusClientError } from './errors.js';
import { remainingMs } from './transport.js';

/** Runs `fn`, retrying errors marked retryable up to `conn.retries` times; sets `attempts` on the final error. */
export async function withRetries<T>(conn: Connection, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PrometheusClientError) {
        err.attempts = attempt;
        if (err.retryable && attempt <= conn.retries) {
          const delay = Math.min(5_000, conn.retryBaseDelayMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
          if (delay < remainingMs(conn)) {
            await sleep(delay);
            continue;
          }
        }
      }
      throw err;
    }
  }
}
