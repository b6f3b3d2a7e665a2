import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Locates the binaries that collector-config/build.sh and collector-config/build-prometheus3.sh build into the
 * cache outside the repository (`${AGENT_SLO_CACHE:-~/.cache/agent-slo}`), and says how to build them when absent.
 */
export interface LocatedBinary {
  /** Short name, e.g. "otelcol-agent-slo". */
  readonly name: string;
  /** Executable path when present, otherwise undefined. */
  readonly path: string | undefined;
  /** Where the build script puts it (or the override that was asked for). */
  readonly expectedPath: string;
  /** The command that builds it. */
  readonly buildCommand: string;
  /** Why it is absent (undefined when present); printed by tests that skip. */
  readonly missingReason: string | undefined;
}

/** A binary was required but has not been built. */
export class BinaryNotBuiltError extends Error {
  override readonly name = 'BinaryNotBuiltError';
  constructor(readonly binary: LocatedBinary) {
    super(binary.missingReason ?? `${binary.name} is missing`);
  }
}

/** The repository root: the nearest ancestor of this module that holds collector-config/builder-config.yaml. */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'collector-config', 'builder-config.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no collector-config/builder-config.yaml above ${from}`);
    dir = parent;
  }
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.AGENT_SLO_CACHE;
  return configured !== undefined && configured !== '' ? configured : join(homedir(), '.cache', 'agent-slo');
}

/** First 16 hex digits of the manifest's sha256, exactly as build.sh computes it (`sha256sum | cut -c1-16`). */
export function manifestHash(manifestText: string | Buffer): string {
  return createHash('sha256').update(manifestText).digest('hex').slice(0, 16);
}

/** The `NAME:-default` of a build script's version variable, or the environment's override (one home: the script). */
function buildScriptVersion(root: string, script: string, variable: string, env: NodeJS.ProcessEnv): string {
  const override = env[variable];
  if (override !== undefined && override !== '') return override;
  const text = readFileSync(join(root, 'collector-config', script), 'utf8');
  const match = new RegExp(`${variable}:-(v[0-9][^}]*)\\}`).exec(text);
  if (!match?.[1]) throw new Error(`collector-config/${script}: no default ${variable} found`);
  return match[1];
}

/** The default Prometheus 3 module version: the `PROMETHEUS3_VERSION:-…` default in build-prometheus3.sh. */
export function prometheus3Version(root: string = repoRoot(), env: NodeJS.ProcessEnv = process.env): string {
  return buildScriptVersion(root, 'build-prometheus3.sh', 'PROMETHEUS3_VERSION', env);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A binary at its expected cache path (or the override), with the reason and build command when it is missing. */
export function locate(name: string, expectedPath: string, buildCommand: string, override: string | undefined): LocatedBinary {
  const path = override !== undefined && override !== '' ? override : expectedPath;
  const present = isExecutable(path);
  return {
    name,
    path: present ? path : undefined,
    expectedPath: path,
    buildCommand,
    missingReason: present ? undefined : `${name} not built: no executable at ${path}; build it with \`${buildCommand}\``,
  };
}

/** The collector built from collector-config/builder-config.yaml (override: AGENT_SLO_OTELCOL_BINARY). */
export function collectorBinary(env: NodeJS.ProcessEnv = process.env, root: string = repoRoot()): LocatedBinary {
  const manifest = readFileSync(join(root, 'collector-config', 'builder-config.yaml'));
  const expected = join(cacheDir(env), 'otelcol', manifestHash(manifest), 'otelcol-agent-slo');
  return locate('otelcol-agent-slo', expected, 'collector-config/build.sh', env.AGENT_SLO_OTELCOL_BINARY);
}

/** Prometheus 3 built by collector-config/build-prometheus3.sh (override: AGENT_SLO_PROMETHEUS3_BINARY). */
export function prometheus3Binary(env: NodeJS.ProcessEnv = process.env, root: string = repoRoot()): LocatedBinary {
  const version = prometheus3Version(root, env);
  const expected = join(cacheDir(env), 'prometheus3', version, 'prometheus');
  return locate('prometheus3', expected, 'collector-config/build-prometheus3.sh', env.AGENT_SLO_PROMETHEUS3_BINARY);
}

/**
 * promtool of the same Prometheus 3 release, built next to it by collector-config/build-prometheus3.sh
 * (override: AGENT_SLO_PROMTOOL3_BINARY).
 */
export function promtool3Binary(env: NodeJS.ProcessEnv = process.env, root: string = repoRoot()): LocatedBinary {
  const version = prometheus3Version(root, env);
  const expected = join(cacheDir(env), 'prometheus3', version, 'promtool');
  return locate('promtool3', expected, 'collector-config/build-prometheus3.sh', env.AGENT_SLO_PROMTOOL3_BINARY);
}

/** The default Thanos version: the `THANOS_VERSION:-…` default in build-thanos.sh. */
export function thanosVersion(root: string = repoRoot(), env: NodeJS.ProcessEnv = process.env): string {
  return buildScriptVersion(root, 'build-thanos.sh', 'THANOS_VERSION', env);
}

/** Thanos (sidecar, query, rule) built by collector-config/build-thanos.sh (override: AGENT_SLO_THANOS_BINARY). */
export function thanosBinary(env: NodeJS.ProcessEnv = process.env, root: string = repoRoot()): LocatedBinary {
  const expected = join(cacheDir(env), 'thanos', thanosVersion(root, env), 'thanos');
  return locate('thanos', expected, 'collector-config/build-thanos.sh', env.AGENT_SLO_THANOS_BINARY);
}

/** The path of a located binary, or BinaryNotBuiltError with the build command. */
export function requireBinary(binary: LocatedBinary): string {
  if (binary.path === undefined) throw new BinaryNotBuiltError(binary);
  return binary.path;
}

/** The shipped collector configuration. */
export function shippedCollectorConfig(root: string = repoRoot()): string {
  return join(root, 'collector-config', 'otelcol.yaml');
}
