import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/cli.js';

/**
 * Both packages as a user gets them: `npm pack` (prepack builds), then both tarballs installed into a fresh project
 * (their dependencies from the npm registry, --prefer-offline) and the CLI and the SDK used from there.
 */
interface Packed {
  filename: string;
  files: { path: string }[];
}

function run(cmd: string, args: readonly string[], cwd: string, timeout = 240_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function pack(workspace: string[], dest: string): Packed {
  const out = run('npm', ['pack', ...workspace, '--json', '--pack-destination', dest], REPO_ROOT);
  const [packed] = JSON.parse(out.slice(out.indexOf('['))) as Packed[];
  return packed!;
}

/** Every source map's `sources` resolve to a file in the same tarball (or the map embeds them). */
function unresolvedMapSources(dir: string, packed: Packed): string[] {
  const paths = new Set(packed.files.map((f) => f.path));
  const missing: string[] = [];
  for (const map of [...paths].filter((p) => p.endsWith('.map'))) {
    const { sources, sourcesContent } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
    sources.forEach((s, i) => {
      const target = posix.normalize(posix.join(posix.dirname(map), s));
      if (!paths.has(target) && sourcesContent?.[i] == null) missing.push(`${map} → ${s}`);
    });
  }
  return missing;
}

const RUNTIME = `import { readFileSync } from 'node:fs';
import { startAgentSloMetrics } from '@agent-slo/instrumentation/sdk';

const buckets = JSON.parse(readFileSync('out/buckets.json', 'utf8')); // written by agent-slo generate
const priceTable = { 'gpt-4o-mini': { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } };
const slo = await startAgentSloMetrics({ serviceName: 'packed', buckets, priceTable, prometheus: { port: 0, host: '127.0.0.1' } });
const answer = await slo.recorder.withTask({ agentName: 'planner' }, async (task) => {
  const hits = await slo.recorder.withToolCall('search', async () => ['a', 'b']);
  await slo.recorder.withToolCall('fetch', async () => 'page');
  task.addUsage({ model: 'gpt-4o-mini', inputTokens: 1200, outputTokens: 300 });
  return hits.length;
});
try {
  await slo.recorder.withToolCall('search', async () => {
    throw new TypeError('backend down');
  });
} catch {
  // the tool error is recorded and rethrown
}
const body = await (await fetch(slo.prometheus.url)).text();
await slo.shutdown();
process.stdout.write(JSON.stringify({ answer, body }));
`;

describe('the packed packages installed from their tarballs into a fresh project', () => {
  let dir: string;
  let cli: Packed;
  let instrumentation: Packed;
  let project: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'agent-slo-pack-'));
    instrumentation = pack(['--workspace', 'instrumentation'], dir);
    cli = pack([], dir);
    for (const [name, p] of [['cli', cli], ['instrumentation', instrumentation]] as const) {
      mkdirSync(join(dir, name));
      run('tar', ['-xzf', join(dir, p.filename), '-C', join(dir, name), '--strip-components=1'], dir);
    }
    project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, cli.filename), join(dir, instrumentation.filename)], project);
  }, 300_000);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('ship their entry points and no build info, test files or dangling source maps', () => {
    const cliFiles = cli.files.map((f) => f.path);
    const instrFiles = instrumentation.files.map((f) => f.path);
    const bin = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['agent-slo']!;
    expect(cliFiles).toContain(bin);
    expect(cliFiles).toEqual(expect.arrayContaining(['profiles/runtime-v1.yaml', 'profiles/kokino.yaml', 'package.json', 'ui/index.html', 'ui/app.js', 'ui/app.css']));
    expect(instrFiles).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/sdk.js', 'dist/sdk.d.ts', 'package.json']));
    for (const files of [cliFiles, instrFiles]) {
      expect(files.filter((f) => /tsbuildinfo|(^|\/)test\/|\.test\./.test(f))).toEqual([]);
    }
    expect(unresolvedMapSources(join(dir, 'cli'), cli)).toEqual([]);
    expect(unresolvedMapSources(join(dir, 'instrumentation'), instrumentation)).toEqual([]);
  });

  it('install without install scripts or test-only dependencies', () => {
    for (const name of ['testcontainers', 'ssh2', 'cpu-features', 'typescript', 'vitest']) {
      expect(existsSync(join(project, 'node_modules', name)), name).toBe(false);
    }
    expect(existsSync(join(project, 'node_modules/.bin/agent-slo'))).toBe(true);
  });

  it('npx agent-slo --version, validate and generate work from the user project', () => {
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(run('npx', ['--no-install', 'agent-slo', '--version'], project).trim()).toBe(version);
    copyFileSync(join(REPO_ROOT, 'profiles/runtime-v1.yaml'), join(project, 'slo.yaml'));
    run('npx', ['--no-install', 'agent-slo', 'validate', 'slo.yaml'], project);
    run('npx', ['--no-install', 'agent-slo', 'generate', '--spec', 'slo.yaml', '--out', 'out'], project);
    const generated = readFileSync(join(project, 'out/rules/runtime-v1/rules.yaml'), 'utf8');
    expect(generated).toContain('agent_slo:sli');
  });

  it('agent-slo serve from the user project serves the status page and uPlot (from the uplot dependency)', async () => {
    // The installed bin run by node itself (not npx), so SIGTERM reaches serve and nothing outlives the test.
    const bin = join(project, 'node_modules/.bin/agent-slo');
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--profile', 'kokino', '--prometheus-url', 'http://127.0.0.1:9'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /(http:\/\/127\.0\.0\.1:\d+)\/ {2}\(SLO status page\)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('close', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      for (const path of ['/', '/ui/app.js', '/ui/uplot.js', '/ui/uplot.css']) {
        const res = await fetch(`${url}${path}`);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      }
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
  });

  it('a 20-line runtime records through @agent-slo/instrumentation/sdk and serves Prometheus text', () => {
    writeFileSync(join(project, 'runtime.mjs'), RUNTIME);
    expect(RUNTIME.trim().split('\n').length).toBeLessThanOrEqual(22);
    const { answer, body } = JSON.parse(run(process.execPath, ['runtime.mjs'], project, 60_000)) as { answer: number; body: string };
    expect(answer).toBe(2);
    const toolCalls = [...body.matchAll(/^gen_ai_execute_tool_duration_count\{([^}]*)\} (\S+)$/gm)].map((m) => `${m[1]!.replace(/,otel_scope.*/, '')} ${m[2]!}`);
    expect(toolCalls.sort()).toEqual([
      'gen_ai_operation_name="execute_tool",gen_ai_tool_name="fetch" 1',
      'gen_ai_operation_name="execute_tool",gen_ai_tool_name="search" 1',
      'gen_ai_operation_name="execute_tool",gen_ai_tool_name="search",error_type="TypeError" 1',
    ]);
    expect(body).toMatch(/^agent_tasks_total\{[^}]*agent_task_outcome="success"[^}]*\} 1$/m);
    expect(body).toMatch(/^agent_task_cost_total\{[^}]*\} 0\.00036$/m);
  });
});
