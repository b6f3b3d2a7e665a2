// The Node 24 + OpenTelemetry JS 3.x test leg: which imports go to this directory's node_modules instead of the
// repository's (OTel 2.x), and the run-time check that this process really runs Node 24 with sdk-metrics 3.x.
// Plain JS: Node loads it with --import before anything is compiled (hooks.mjs), and vitest.config.ts uses it too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The leg's directory (package.json + lockfile + node_modules installed by `npm ci --prefix test/otel3`). */
export const LEG_DIR = fileURLToPath(new URL('.', import.meta.url));
/** A file inside the leg to resolve from: bare specifiers then find the leg's node_modules. */
export const LEG_PARENT_URL = new URL('package.json', import.meta.url).href;
const LEG_MODULES_URL = new URL('node_modules/', import.meta.url).href;

/** 3.x replaced sdk-trace-base with sdk-trace; tests written against 2.x import the old name (sdk-trace-base.mjs). */
const RENAMED = { '@opentelemetry/sdk-trace-base': new URL('sdk-trace-base.mjs', import.meta.url).href };

/**
 * The specifier to resolve from the leg instead, or undefined to leave the import alone: every `@opentelemetry/*`
 * import made outside the leg's own node_modules (the packages inside it resolve their dependencies naturally).
 */
export function legSpecifier(specifier, parent) {
  if (!specifier.startsWith('@opentelemetry/')) return undefined;
  if (parent !== undefined && toUrl(parent).startsWith(LEG_MODULES_URL)) return undefined;
  return RENAMED[specifier] ?? specifier;
}

function toUrl(parent) {
  return parent.startsWith('file:') ? parent : new URL(`file://${parent}`).href;
}

/** package.json of a package installed in the leg. */
export function legPackageJson(name) {
  return JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url), 'utf8'));
}

/** Throws unless this process runs Node 24 and the leg holds @opentelemetry/sdk-metrics 3.x. */
export function assertLeg() {
  const node = Number(process.versions.node.split('.')[0]);
  if (node !== 24) throw new Error(`otel3 leg: expected Node 24, running ${process.version} (${process.execPath})`);
  let version;
  try {
    version = legPackageJson('@opentelemetry/sdk-metrics').version;
  } catch (err) {
    throw new Error(`otel3 leg: @opentelemetry/sdk-metrics is not installed in ${LEG_DIR}; run npm ci --prefix test/otel3`, { cause: err });
  }
  if (!String(version).startsWith('3.')) throw new Error(`otel3 leg: expected @opentelemetry/sdk-metrics 3.x in ${LEG_DIR}, found ${version}`);
  return { node: process.version, sdkMetrics: version };
}

/**
 * Each peer dependency of @agent-slo/instrumentation with its range and the version installed in the leg, and
 * whether the range accepts it (what `npm install` checks before ERESOLVE).
 */
export async function peerRangesAgainstLeg() {
  const { default: semver } = await import('semver');
  const instrumentation = JSON.parse(readFileSync(new URL('../../instrumentation/package.json', import.meta.url), 'utf8'));
  return Object.entries(instrumentation.peerDependencies).map(([name, range]) => {
    const version = legPackageJson(name).version;
    return { name, range, version, accepted: semver.satisfies(version, range) };
  });
}
