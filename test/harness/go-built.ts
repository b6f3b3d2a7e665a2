import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPidAlive } from '../../src/stack/process.js';
import type { LocatedBinary } from './binaries.js';

/** The .ci/prebuild.sh job that builds each binary (state files `<job>.pid`, `<job>.rc` in its state dir). */
const PREBUILD_JOB: Record<string, string> = { 'otelcol-agent-slo': 'otelcol', prometheus3: 'prometheus3', promtool3: 'prometheus3', thanos: 'thanos', 'go-agent': 'go-agent' };

const stateDir = (): string => process.env.AGENT_SLO_PREBUILD_DIR ?? '/tmp/agent-slo-prebuild';

/** True while .ci/prebuild.sh is still building `job` (its pid is alive and it has not written an exit code). */
function building(job: string): boolean {
  const dir = stateDir();
  if (!existsSync(join(dir, `${job}.pid`)) || existsSync(join(dir, `${job}.rc`))) return false;
  const pid = Number(readFileSync(join(dir, `${job}.pid`), 'utf8').trim());
  return Number.isInteger(pid) && isPidAlive(pid);
}

/**
 * A Go-built binary for a test: waits while CI's background prebuild is still building it (up to
 * AGENT_SLO_PREBUILD_TIMEOUT seconds, default 3000), then locates it again. Outside CI a missing binary makes the
 * test skip with the reason the caller prints; in CI (CI=true) it fails the test file instead, so CI never passes
 * with the collector or Prometheus 3 tests silently skipped.
 */
export async function goBuilt(locate: () => LocatedBinary): Promise<LocatedBinary> {
  const first = locate();
  const job = PREBUILD_JOB[first.name];
  if (first.path === undefined && job !== undefined && building(job)) {
    const limitMs = Number(process.env.AGENT_SLO_PREBUILD_TIMEOUT ?? 3000) * 1000;
    const started = Date.now();
    process.stderr.write(`[go-built] waiting for .ci/prebuild.sh to finish ${first.name} …\n`);
    while (building(job) && Date.now() - started < limitMs) await new Promise((r) => setTimeout(r, 2000));
    process.stderr.write(`[go-built] ${first.name}: waited ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  const located = locate();
  if (located.path === undefined && process.env.CI === 'true') {
    throw new Error(`${located.missingReason ?? `${located.name} missing`} (CI builds it with .ci/prebuild.sh; in CI a missing binary fails instead of skipping)`);
  }
  return located;
}
