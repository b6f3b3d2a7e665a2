/**
 * The CI recipes in docs/ci/ (GitHub Actions, GitLab CI, Kubernetes Job, Argo Rollouts AnalysisTemplate with the
 * Job provider): each file is parsed, checked for the properties a release gate needs (one run, no retry, reports
 * where the CI system shows them), and its shell step is executed as the CI system would run it, against a real
 * Prometheus holding backfilled runtime-v1 histories for each verdict, with the exit-code mapping checked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlocks } from '../../src/backfill/blocks.js';
import { writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { families } from '../gate/scenario-data.js';
import { runtimeScenario, scenarioAt, scenarioEnd } from '../gate/scenarios.js';
import { CLI, REPO_ROOT } from '../harness/cli.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML, walked by shape; the assertions check it
type Yaml = any;
const recipe = (file: string): Yaml => parse(readFileSync(join(REPO_ROOT, 'docs/ci', file), 'utf8'));
const github = recipe('github-actions.yml');
const gitlab = recipe('gitlab-ci.yml');
const job = recipe('kubernetes-job.yaml');
const analysis = recipe('argo-rollouts-analysistemplate.yaml');

const END = scenarioEnd();
const AT = scenarioAt(END);
/** What each case should give: scenario (selector value), gate exit code, verdict word in the reports. */
const CASES = [
  { name: 'pass', scenario: 'healthy', code: 0, verdict: 'pass' },
  { name: 'blocked', scenario: 'critical', code: 1, verdict: 'blocked' },
  { name: 'approval required', scenario: 'warn3', code: 2, verdict: 'approval_required' },
  { name: 'cannot evaluate (no data)', scenario: 'absent', code: 3, verdict: 'cannot_evaluate' },
  { name: 'missing spec file', scenario: 'healthy', code: 66, verdict: 'error', spec: 'slo/missing.yaml' },
] as const;
type Case = (typeof CASES)[number];

let work: string;
let prom: RunningPrometheus;
let project: string;
let binDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agent-slo-ci-recipes-'));
  const histories = ['healthy', 'critical', 'warn3'].map((n) => runtimeScenario(n as 'healthy', END));
  await createBlocks({ openMetrics: writeOpenMetrics(families(histories)), dataDir: join(work, 'tsdb') });
  prom = await startPrometheus({ dataDir: join(work, 'tsdb') });
  // The user's project: agent-slo as a dependency (npx finds node_modules/.bin), the spec under slo/.
  project = join(work, 'project');
  mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
  mkdirSync(join(project, 'slo'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  symlinkSync(CLI, join(project, 'node_modules/.bin/agent-slo'));
  writeFileSync(join(project, 'slo/runtime.yaml'), readFileSync(join(REPO_ROOT, 'profiles/runtime-v1.yaml')));
  // The Kubernetes image: agent-slo on PATH.
  binDir = join(work, 'bin');
  mkdirSync(binDir);
  symlinkSync(CLI, join(binDir, 'agent-slo'));
}, 300_000);

afterAll(async () => {
  await prom?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
}

/** Runs a recipe's shell in a fresh copy of the project dir, as `shell` with the given environment. */
function runStep(shell: string[], script: string, env: Record<string, string>, c: Case): StepRun {
  const dir = mkdtempSync(join(work, 'run-'));
  spawnSync('cp', ['-a', `${project}/.`, dir]);
  const extra = `--selector scenario=${c.scenario} --at ${AT}`;
  const r = spawnSync(shell[0]!, [...shell.slice(1), script], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: `${binDir}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? dir,
      ...env,
      // The backfilled histories carry no model label; `--model` is only passed when SLO_MODEL is set.
      SLO_MODEL: '',
      SLO_GATE_EXTRA_ARGS: extra,
      ...('spec' in c ? { SLO_SPEC: c.spec } : {}),
      AGENT_SLO_PROMETHEUS_URL: prom.url,
      AGENT_SLO_AUDIT_LOG: join(dir, 'audit/audit.jsonl'),
      AGENT_SLO_AUDIT_ANCHOR: join(dir, 'audit-anchor/anchor.json'),
    },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, dir };
}

/** Evaluation records the run appended to its audit log. */
function evaluations(dir: string): number {
  const log = join(dir, 'audit/audit.jsonl');
  if (!existsSync(log)) return 0;
  return readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"evaluation"')).length;
}

function expectVerdictMarkdown(text: string, c: Case): void {
  const label = { pass: 'PASS', blocked: 'BLOCKED', approval_required: 'APPROVAL REQUIRED', cannot_evaluate: 'CANNOT EVALUATE' }[c.verdict as string];
  expect(text).toMatch(new RegExp(`^## .*SLO release gate: ${label!}`, 'mi'));
}

/** Literal env values of a container (valueFrom entries are the cluster's business). */
function containerEnv(container: { env: { name: string; value?: string }[] }, args: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of container.env) if (e.value !== undefined) out[e.name] = e.value.replace(/\{\{args\.([a-z-]+)\}\}/g, (_, k: string) => args[k] ?? '');
  return out;
}

describe('docs/ci recipes: structure', () => {
  it('GitHub Actions: Node 24, one gate run writing JUnit and Markdown, the summary and the JUnit report shown', () => {
    const steps = github.jobs['slo-gate'].steps as Yaml[];
    expect(steps.find((s) => s.uses === 'actions/setup-node@v4')?.with['node-version']).toBe(24);
    const gate = steps.find((s) => s.id === 'gate')!;
    expect(gate.run.match(/agent-slo gate/g)).toHaveLength(1);
    expect(gate.run).toMatch(/--report junit=gate-junit\.xml --report markdown=gate\.md/);
    expect(gate.run).toContain('$GITHUB_STEP_SUMMARY');
    expect(steps.find((s) => String(s.uses).startsWith('mikepenz/action-junit-report'))?.with.report_paths).toBe('gate-junit.xml');
  });

  it('GitLab CI: node:24 image, one gate run, JUnit as the test report, Markdown exposed', () => {
    const j = gitlab['slo-gate'];
    expect(j.image).toBe('node:24-slim');
    expect((j.script as string[]).join('\n').match(/agent-slo gate/g)).toHaveLength(1);
    expect(j.artifacts.reports.junit).toBe('gate-junit.xml');
    expect(j.artifacts.when).toBe('always');
    expect(j.artifacts.paths).toContain('gate.md');
  });

  it('Kubernetes Job and Argo AnalysisTemplate: never retried, one measurement, audit log on a volume', () => {
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never' } } } });
    expect(analysis).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate' });
    const metric = analysis.spec.metrics[0];
    expect(metric).toMatchObject({ count: 1, failureLimit: 0, provider: { job: { spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never' } } } } } });
    expect(analysis.spec.args.map((a: { name: string }) => a.name)).toEqual(['model', 'extra-args']);
    for (const spec of [job.spec.template.spec, metric.provider.job.spec.template.spec]) {
      const env = containerEnv(spec.containers[0]);
      const mounts = spec.containers[0].volumeMounts as { name: string; mountPath: string }[];
      expect(mounts.some((m) => env.AGENT_SLO_AUDIT_LOG!.startsWith(`${m.mountPath}/`) && spec.volumes.find((v: Yaml) => v.name === m.name)?.persistentVolumeClaim)).toBe(true);
    }
  });
});

describe('docs/ci recipes: the shell steps against a real Prometheus', () => {
  it.each(CASES)('GitHub Actions step, $name → exit $code, summary, output, annotation, JUnit', (c) => {
    const gate = (github.jobs['slo-gate'].steps as Yaml[]).find((s) => s.id === 'gate')!;
    const summary = join(work, `summary-${c.code}.md`);
    const output = join(work, `output-${c.code}.txt`);
    writeFileSync(summary, '');
    writeFileSync(output, '');
    // GitHub runs `run:` with `bash --noprofile --norc -eo pipefail {0}`.
    const r = runStep(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c'], gate.run as string, { SLO_SPEC: gate.env.SLO_SPEC, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output }, c);
    expect(r.code, r.stderr).toBe(c.code);
    expect(readFileSync(output, 'utf8')).toBe(`verdict=${c.verdict}\n`);
    if (c.code === 0) expect(r.stdout).not.toContain('::error');
    else expect(r.stdout).toMatch(/^::error title=SLO gate::/m);
    if (c.code <= 3) {
      expectVerdictMarkdown(readFileSync(summary, 'utf8'), c);
      const junit = parseJunit(readFileSync(join(r.dir, 'gate-junit.xml'), 'utf8'));
      expect(junit).toBeTruthy();
      expect(evaluations(r.dir), 'one gate evaluation, one audit record').toBe(1);
    } else {
      expect(readFileSync(summary, 'utf8')).toBe('');
      expect(evaluations(r.dir)).toBe(0);
    }
  });

  it.each(CASES)('GitLab CI script, $name → exit $code, gate.md + JUnit artifacts, message', (c) => {
    const j = gitlab['slo-gate'];
    // The runner runs the script lines in one shell with errexit.
    const env = Object.fromEntries(Object.entries(j.variables as Record<string, string>).filter(([k]) => k === 'SLO_SPEC'));
    const r = runStep(['bash', '-eo', 'pipefail', '-c'], (j.script as string[]).filter((l) => l !== 'npm ci').join('\n'), env, c);
    expect(r.code, r.stderr).toBe(c.code);
    expect(r.stdout).toMatch(/^SLO gate: /m);
    if (c.code <= 3) {
      expectVerdictMarkdown(readFileSync(join(r.dir, 'gate.md'), 'utf8'), c);
      expect(readFileSync(join(r.dir, 'gate-junit.xml'), 'utf8')).toMatch(/<testsuites/);
      expect(evaluations(r.dir)).toBe(1);
    }
  });

  it.each(CASES.filter((c) => c.code !== 66))('Kubernetes Job and Argo Job provider container, $name → exit $code, Markdown in the log', (c) => {
    const containers = [
      { container: job.spec.template.spec.containers[0], args: {} as Record<string, string> },
      { container: analysis.spec.metrics[0].provider.job.spec.template.spec.containers[0], args: { model: 'gpt-4.1', 'extra-args': '' } },
    ];
    for (const { container, args } of containers) {
      const env = containerEnv(container, args);
      expect(env.SLO_MODEL, 'the model reaches the container (Argo: from the analysis args)').toBe('gpt-4.1');
      const r = runStep([...container.command], container.args[0] as string, { SLO_SPEC: join(project, 'slo/runtime.yaml') }, c);
      expect(r.code, r.stderr).toBe(c.code);
      expectVerdictMarkdown(r.stdout, c);
      expect(evaluations(r.dir)).toBe(1);
    }
  });
});
