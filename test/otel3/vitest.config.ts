import { defineConfig, type Plugin } from 'vitest/config';
import base from '../../vitest.config.js';
// @ts-expect-error leg.mjs is plain JS (loaded by node --import before anything is compiled)
import { assertLeg, legSpecifier, LEG_PARENT_URL } from './leg.mjs';

/**
 * The Node 24 + OpenTelemetry JS 3.x leg (`npm run test:otel3`): the instrumentation tests and the CLI tests below,
 * with every @opentelemetry/* import resolved from test/otel3/node_modules. Code vitest compiles is redirected by
 * the plugin; processes the tests spawn (the CLI, the demo runtime) by hooks.mjs through NODE_OPTIONS.
 */
const typedLegSpecifier = legSpecifier as (specifier: string, parent: string | undefined) => string | undefined;
(assertLeg as () => unknown)();

const otel3: Plugin = {
  name: 'agent-slo-otel3-leg',
  enforce: 'pre',
  async resolveId(id, importer, options) {
    const mapped = typedLegSpecifier(id, importer);
    if (mapped === undefined) return null;
    const resolved = await this.resolve(mapped, new URL(LEG_PARENT_URL as string).pathname, { ...options, skipSelf: true });
    if (resolved === null) throw new Error(`otel3 leg: ${mapped} (for ${id}) is not installed in test/otel3`);
    return resolved;
  },
};

export default defineConfig({
  root: new URL('../../', import.meta.url).pathname,
  plugins: [otel3],
  resolve: base.resolve,
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    include: [
      'test/otel3/leg.test.ts',
      'instrumentation/test/**/*.test.ts',
      'test/spec/broken-specs.test.ts',
      'test/integration/rules-cli.test.ts',
      'test/integration/demo.test.ts',
    ],
  },
});
