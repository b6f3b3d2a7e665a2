import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const instrumentationSrc = fileURLToPath(new URL('./instrumentation/src/', import.meta.url));

/**
 * Tests that need the Go-built collector or Prometheus 3. CI builds those in the background (.ci/prebuild.sh) while
 * everything else runs, so they form a second group that starts after the first; each waits for its binary
 * (test/harness/go-built.ts).
 */
const GO_BUILT = [
  'test/integration/collector.test.ts',
  'test/integration/prometheus3.test.ts',
  'test/integration/prometheus3-rules.test.ts',
  'test/integration/collector-chain.test.ts',
  'test/integration/collector-spans.test.ts',
  'test/integration/metric-names.test.ts',
  'test/integration/gate-scenarios-prometheus3.test.ts',
  'test/integration/counter-increase-prometheus3.test.ts',
  'test/integration/rule-backfill-phase-prometheus3.test.ts',
  'test/deploy/compose.test.ts',
  'test/deploy/demo-runtime.test.ts',
  'test/stack/launcher-local.test.ts',
  'test/integration/thanos.test.ts',
];

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@agent-slo\/instrumentation\/sdk$/, replacement: `${instrumentationSrc}sdk.ts` },
      { find: /^@agent-slo\/instrumentation$/, replacement: `${instrumentationSrc}index.ts` },
    ],
  },
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most integration tests wait on Prometheus/promtool processes rather than the CPU: two workers on two cores.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts', 'instrumentation/test/**/*.test.ts'],
          // test/otel3 is the Node 24 + OpenTelemetry JS 3.x leg (`npm run test:otel3`, its own config).
          exclude: [...GO_BUILT, 'test/otel3/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'go-built', include: GO_BUILT, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
