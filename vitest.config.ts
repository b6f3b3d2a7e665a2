import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const instrumentationSrc = fileURLToPath(new URL('./instrumentation/src/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@agent-slo\/instrumentation\/sdk$/, replacement: `${instrumentationSrc}sdk.ts` },
      { find: /^@agent-slo\/instrumentation$/, replacement: `${instrumentationSrc}index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'instrumentation/test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
