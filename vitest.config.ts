import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const instrumentationSrc = fileURLToPath(new URL('./instrumentation/src/', import.meta.url));

/**
 * Tests that need the Go-built collector or Prometheus 3. CI builds those in the background (.ci/prebuild.sh) while
 * everything else runs, so they form a second project that runs after the first: `vitest run` orders the groups;
 * `npm test` runs the main project, then waits for the builds (.ci/wait-prebuild.sh --if-started), then this one.
 * No test waits for a build.
 */
const GO_BUILT = [
  'test/integration/collector.test.ts',
  'test/integration/prometheus3.test.ts',
  'test/integration/prometheus3-rules.test.ts',
  'test/integration/collector-chain.test.ts',
  'test/integration/collector-spans.test.ts',
  'test/integration/metric-names.test.ts',
  'test/integration/backfill-scenario-names.test.ts',
  'test/integration/utf8-rules-prometheus3.test.ts',
  'test/deploy/compose.test.ts',
  'test/deploy/demo-runtime.test.ts',
  'test/stack/launcher-contract.test.ts',
  'test/integration/thanos.test.ts',
];

/**
 * Suites that run against every Prometheus major (describe.each over test/harness/prometheus-servers.ts): included
 * by both projects, each project provides its majors, so the 2.x cases never wait for the Prometheus 3 build.
 */
const EVERY_PROMETHEUS = ['test/integration/gate-scenarios.test.ts', 'test/profile/loadable.test.ts', 'test/promql/counter-increase.test.ts', 'test/promql/gaps.test.ts', 'test/promql/rollup.test.ts', 'test/integration/rule-backfill-phase.test.ts'];

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
          provide: { prometheusMajors: [2] },
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'go-built', include: [...GO_BUILT, ...EVERY_PROMETHEUS], provide: { prometheusMajors: [3] }, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
