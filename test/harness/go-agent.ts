import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, locate, manifestHash, repoRoot, type LocatedBinary } from './binaries.js';

/** The Go agent test runtime built by test/runtimes/go-agent/build.sh (override: AGENT_SLO_GO_AGENT_BINARY). */
export function goAgentBinary(env: NodeJS.ProcessEnv = process.env, root: string = repoRoot()): LocatedBinary {
  const dir = join(root, 'test', 'runtimes', 'go-agent');
  const sources = Buffer.concat(['go.mod', 'go.sum', 'main.go'].map((f) => readFileSync(join(dir, f))));
  const expected = join(cacheDir(env), 'go-agent', manifestHash(sources), 'go-agent');
  return locate('go-agent', expected, 'test/runtimes/go-agent/build.sh', env.AGENT_SLO_GO_AGENT_BINARY);
}
