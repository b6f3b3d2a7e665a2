// `node --import ./test/otel3/hooks.mjs`: every Node process of the leg (vitest workers, the CLI and the runtimes it
// spawns) checks it runs Node 24 + OTel 3.x and resolves @opentelemetry/* from the leg (leg.mjs).
import { registerHooks } from 'node:module';
import { assertLeg, legSpecifier, LEG_PARENT_URL } from './leg.mjs';

assertLeg();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const mapped = legSpecifier(specifier, context.parentURL);
    return mapped === undefined ? nextResolve(specifier, context) : nextResolve(mapped, { ...context, parentURL: LEG_PARENT_URL });
  },
});
