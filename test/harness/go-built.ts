import type { LocatedBinary } from './binaries.js';

/**
 * A Go-built binary for a test (collector, Prometheus 3, Thanos, the Go agent). Tests never wait for a build: CI
 * runs the go-built vitest project only after .ci/wait-prebuild.sh has seen every background build finish
 * (`npm run test:go-built`). Outside CI a missing binary makes the test skip with the reason the caller prints; in
 * CI (CI=true) it fails the test file instead, so CI never passes with the collector or Prometheus 3 tests skipped.
 */
export function goBuilt(locate: () => LocatedBinary): Promise<LocatedBinary> {
  return new Promise((resolve) => {
    const located = locate();
    if (located.path === undefined && process.env.CI === 'true') {
      throw new Error(`${located.missingReason ?? `${located.name} missing`} (CI builds it with .ci/prebuild.sh; in CI a missing binary fails instead of skipping)`);
    }
    resolve(located);
  });
}
