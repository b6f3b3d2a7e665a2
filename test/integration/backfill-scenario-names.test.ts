/**
 * `agent-slo backfill import --scenario … --spec …` writes the scenario's series with the names the spec's
 * `metricNames` says, for every naming mode: the imported series carry that mode's names (and no other), and the
 * gate over them — run with the same spec — gives the scenario's built-in answer. otel-js and unit-suffixes go
 * through Debian's promtool 2.42 into Prometheus 2.42; the two utf8 modes through Prometheus 3's promtool into
 * Prometheus 3 (their quoted names are refused by 2.x, and the import says so before writing anything).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricNaming } from '../../src/conventions.js';
import type { GateReport } from '../../src/gate/report/model.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import { prometheus3Binary, promtool3Binary, repoRoot } from '../harness/binaries.js';
import { runCliInProcess } from '../harness/cli.js';
import { goBuilt } from '../harness/go-built.js';
import { seriesNames } from '../harness/prom-query.js';

const prom3 = await goBuilt(() => prometheus3Binary());
const promtool3 = await goBuilt(() => promtool3Binary());
const skipReason = prom3.missingReason ?? promtool3.missingReason;
if (skipReason !== undefined) console.warn(`[skipped] backfill scenarios per naming mode: ${skipReason}`);

const DAY = 86_400;
/** A day boundary a day ago: outside the head block. */
const END = Math.floor(Date.now() / 1000 / DAY) * DAY - DAY;
const SCENARIO = 'runtime-v1-warning-streak';

/** Each mode: the names its series must carry (tool-call count, tasks, task cost), and the Prometheus major it needs. */
const MODES: readonly { mode: MetricNaming; v3: boolean; names: readonly string[] }[] = [
  { mode: 'otel-js', v3: false, names: ['gen_ai_execute_tool_duration_count', 'agent_tasks_total', 'agent_task_cost_total'] },
  { mode: 'unit-suffixes', v3: false, names: ['gen_ai_execute_tool_duration_seconds_count', 'agent_tasks_total', 'agent_task_cost_USD_total'] },
  { mode: 'utf8', v3: true, names: ['gen_ai.execute_tool.duration_count', 'agent.tasks', 'agent.task.cost'] },
  { mode: 'utf8-unit-suffixes', v3: true, names: ['gen_ai.execute_tool.duration_seconds_count', 'agent.tasks_total', 'agent.task.cost_USD_total'] },
];

let work: string;
let shipped: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-scenario-names-'));
  shipped = await readFile(join(repoRoot(), 'profiles', 'runtime-v1.yaml'), 'utf8');
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined).each(MODES)('backfill import --scenario with metricNames $mode', ({ mode, v3, names }) => {
  it('imports the series under that naming, and the gate with the same spec gives the scenario’s answer', async () => {
    const spec = join(work, `runtime-v1.${mode}.yaml`);
    const text = v3 ? shipped.replace('modelLabel: gen_ai_request_model', 'modelLabel: gen_ai.request.model') : shipped;
    await writeFile(spec, `${text.trimEnd()}\nmetricNames: ${mode}\n${v3 ? 'prometheusVersion: 3\n' : ''}`);
    const dataDir = join(work, `tsdb-${mode}`);
    const promtool = v3 ? promtool3.path! : 'promtool';
    const imported = await runCliInProcess(['backfill', 'import', '--scenario', SCENARIO, '--spec', spec, '--data-dir', dataDir, '--end', String(END), '--promtool', promtool]);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain(`metricNames ${mode}`);

    const prom = await startPrometheus({ dataDir, ...(v3 ? { binary: prom3.path! } : {}) });
    try {
      const all = await seriesNames(prom.url, '{job="history"}');
      expect(all).toEqual(expect.arrayContaining([...names]));
      // No series under another mode's names.
      for (const other of MODES.filter((m) => m.mode !== mode)) for (const n of other.names.filter((x) => !names.includes(x))) expect(all, `${mode}: ${n}`).not.toContain(n);

      const gate = await runCliInProcess(['gate', '--spec', spec, '--prometheus-url', prom.url, '--at', String(END), '--format', 'json', '--audit-log', join(work, `audit-${mode}.jsonl`)]);
      const report = JSON.parse(gate.out) as GateReport;
      // The scenario's own expectation: approval required on the escalation rate, every other objective passes.
      expect(report.verdict, gate.err).toBe('approval_required');
      expect(report.objectives.filter((o) => o.status !== 'pass').map((o) => o.name)).toEqual(['escalation_rate']);
    } finally {
      await prom.stop();
    }
  }, 240_000);
});

describe.skipIf(skipReason !== undefined)('backfill import --scenario with a utf8 spec and promtool 2.x', () => {
  it('refuses before writing anything, naming the promtool it needs', async () => {
    const spec = join(work, 'runtime-v1.utf8-p2.yaml');
    await writeFile(spec, `${shipped.trimEnd()}\nmetricNames: utf8\nprometheusVersion: 3\n`.replace('modelLabel: gen_ai_request_model', 'modelLabel: gen_ai.request.model'));
    const r = await runCliInProcess(['backfill', 'import', '--scenario', SCENARIO, '--spec', spec, '--data-dir', join(work, 'refused'), '--end', String(END)]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('metricNames utf8 writes UTF-8 names that only promtool 3.x reads; promtool is version 2.x');
  });
});
