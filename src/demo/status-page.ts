/**
 * Demo step: `agent-slo serve`'s status page over the demo's Prometheus and audit log, on port 5050 (document 002's
 * port) or, when that is taken, a free port. The demo prints its address; with --keep-running it stays up.
 */
import { readLastGate } from '../audit/summary.js';
import type { Profile } from '../profile/model.js';
import { type RunningServe, startServe } from '../serve/server.js';

export const DEMO_STATUS_PORT = 5050;

export async function startDemoStatusPage(profiles: readonly Profile[], prometheusUrl: string, auditLog: string, version: string): Promise<RunningServe> {
  const start = (port: number): Promise<RunningServe> =>
    startServe({ profiles, prometheus: { url: prometheusUrl }, port, cacheSeconds: 10, auditLog, lastGate: () => readLastGate(auditLog), toolVersion: version });
  try {
    return await start(DEMO_STATUS_PORT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return start(0);
  }
}
