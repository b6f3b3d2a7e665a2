import { existsSync } from 'node:fs';
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

const { projects: _projects, ...sharedTest } = base.test ?? {};
const root = new URL('../../', import.meta.url).pathname;
/**
 * The files this leg runs: all instrumentation tests, CLI tests (the demo drives the SDK through the CLI), and the
 * compose stack's demo runtime script, whose container runs this leg's Node release (deploy/demo-runtime/Dockerfile).
 */
const files = ['test/otel3/leg.test.ts', 'test/profile/broken-specs.test.ts', 'test/integration/rules-cli.test.ts', 'test/integration/demo.test.ts', 'test/deploy/demo-runtime.test.ts'];
// A moved or renamed file must not silently drop out of the leg.
const gone = files.filter((f) => !existsSync(`${root}${f}`));
if (gone.length > 0) throw new Error(`otel3 leg: ${gone.join(', ')} no longer exist(s); update test/otel3/vitest.config.ts`);

export default defineConfig({
  root,
  plugins: [otel3],
  resolve: base.resolve,
  // The root config's test settings (setup, timeouts, pool) without its projects.
  test: {
    ...sharedTest,
    include: ['instrumentation/test/**/*.test.ts', ...files],
  },
});
