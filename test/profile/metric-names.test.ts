import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_SIGNALS, COUNTER_SIGNALS, type MetricNaming, signalLabelName, signalMetricName } from '../../src/conventions.js';
import { generateProfileFiles } from '../../src/generate/all.js';
import { SpecError } from '../../src/profile/errors.js';
import { loadProfileFromTexts } from '../../src/profile/load.js';
import { renderSelector } from '../../src/promql/selector.js';

/** The names a pipeline with unit suffixes writes (Prometheus 3 OTLP default, collector exporters' default). */
const SUFFIXED: Record<string, string> = {
  gen_ai_execute_tool_duration: 'gen_ai_execute_tool_duration_seconds',
  gen_ai_client_operation_duration: 'gen_ai_client_operation_duration_seconds',
  gen_ai_invoke_agent_duration: 'gen_ai_invoke_agent_duration_seconds',
  agent_execution_duration: 'agent_execution_duration_seconds',
  agent_execution_memory: 'agent_execution_memory_bytes',
  agent_task_cost: 'agent_task_cost_USD',
};

describe('metric naming modes (spec metricNames)', () => {
  it('otel-js keeps every catalogue name; unit-suffixes appends the translated unit before _total/_count/_bucket/_sum', () => {
    for (const s of [...Object.values(COUNTER_SIGNALS), ...Object.values(HISTOGRAM_SIGNALS)]) {
      expect(signalMetricName(s.metric, 'otel-js')).toBe(s.metric);
    }
    expect(signalMetricName('gen_ai_execute_tool_duration_count', 'unit-suffixes')).toBe('gen_ai_execute_tool_duration_seconds_count');
    expect(signalMetricName('agent_execution_memory', 'unit-suffixes')).toBe('agent_execution_memory_bytes');
    expect(signalMetricName('agent_task_cost_total', 'unit-suffixes')).toBe('agent_task_cost_USD_total');
    // {annotation} units add nothing: the name is the same in both modes.
    expect(signalMetricName('agent_tasks_total', 'unit-suffixes')).toBe('agent_tasks_total');
    // Not a catalogue instrument (a user's own metric): left as written.
    expect(signalMetricName('my_latency_bucket', 'unit-suffixes')).toBe('my_latency_bucket');
  });

  it.each(['runtime-v1', 'kokino'])('%s: generated files with unit-suffixes differ from the default only in the instrument names', async (name) => {
    const file = `profiles/${name}.yaml`;
    const text = await readFile(file, 'utf8');
    const plain = generateProfileFiles({ profile: loadProfileFromTexts([{ file, text }]), specPath: file });
    const suffixed = generateProfileFiles({ profile: loadProfileFromTexts([{ file, text: `${text}\nmetricNames: unit-suffixes\n` }]), specPath: file });
    expect(suffixed.map((f) => f.path)).toEqual(plain.map((f) => f.path));
    const rename = (content: string): string =>
      content.replace(new RegExp(`\\b(${Object.keys(SUFFIXED).join('|')})(?=_total\\b|_count\\b|_bucket\\b|_sum\\b|\\b)`, 'g'), (m) => SUFFIXED[m]!);
    let renamed = 0;
    plain.forEach((f, i) => {
      expect(suffixed[i]!.content, f.path).toBe(rename(f.content));
      if (suffixed[i]!.content !== f.content) renamed++;
    });
    expect(renamed, 'files whose metric names changed').toBeGreaterThan(0);
  });
});

/** Prometheus 3's OTLP receiver with a UTF-8 translation strategy: OTel names as they are (otlptranslator v1.0.0). */
describe('UTF-8 naming modes (Prometheus 3: NoTranslation, NoUTF8EscapingWithSuffixes)', () => {
  it('utf8 keeps OTel names without any suffix; utf8-unit-suffixes adds the unit and _total as otlptranslator does', () => {
    const names: [string, MetricNaming, string][] = [
      ['gen_ai_execute_tool_duration_count', 'utf8', 'gen_ai.execute_tool.duration_count'],
      ['gen_ai_invoke_agent_duration_bucket', 'utf8', 'gen_ai.invoke_agent.duration_bucket'],
      // NoTranslation writes no _total on counters.
      ['agent_tasks_total', 'utf8', 'agent.tasks'],
      ['agent_task_cost_total', 'utf8', 'agent.task.cost'],
      ['gen_ai_execute_tool_duration_count', 'utf8-unit-suffixes', 'gen_ai.execute_tool.duration_seconds_count'],
      ['agent_execution_memory_sum', 'utf8-unit-suffixes', 'agent.execution.memory_bytes_sum'],
      ['agent_task_cost_total', 'utf8-unit-suffixes', 'agent.task.cost_USD_total'],
      ['agent_tasks_total', 'utf8-unit-suffixes', 'agent.tasks_total'],
      // Not a catalogue instrument: as written.
      ['my_latency_bucket', 'utf8', 'my_latency_bucket'],
    ];
    for (const [metric, mode, expected] of names) expect(signalMetricName(metric, mode), `${metric} in ${mode}`).toBe(expected);
    const labels: [string, MetricNaming, string][] = [
      ['error_type', 'utf8', 'error.type'],
      ['error_type', 'unit-suffixes', 'error_type'],
      ['my_label', 'utf8-unit-suffixes', 'my_label'],
    ];
    for (const [label, mode, expected] of labels) expect(signalLabelName(label, mode), `${label} in ${mode}`).toBe(expected);
  });

  it('selectors quote UTF-8 metric and label names inside the braces, and leave legacy names bare', () => {
    expect(renderSelector('gen_ai.execute_tool.duration_count', [{ label: 'error.type', op: '!=', value: '' }, { label: 'job', op: '=', value: 'a"b' }])).toBe(
      '{"gen_ai.execute_tool.duration_count","error.type"!="",job="a\\"b"}',
    );
    expect(renderSelector('agent.tasks', [])).toBe('{"agent.tasks"}');
    expect(renderSelector('agent_tasks_total', [{ label: 'agent_task_outcome', op: '=', value: 'success' }])).toBe('agent_tasks_total{agent_task_outcome="success"}');
  });

  const load = (text: string) => loadProfileFromTexts([{ file: 'utf8.yaml', text }]);

  it('the model resolves signals, their labels and the model label in the UTF-8 spelling', async () => {
    const text = await readFile('profiles/runtime-v1.yaml', 'utf8');
    const utf8 = `${text.replace('modelLabel: gen_ai_request_model', 'modelLabel: gen_ai.request.model')}\nmetricNames: utf8\nprometheusVersion: 3\n`;
    const p = load(utf8);
    expect(p.metricNames).toBe('utf8');
    expect(p.prometheusVersion).toBe(3);
    expect(p.gate.modelLabel).toBe('gen_ai.request.model');
    // Unset, the model label follows the naming too.
    expect(load(utf8.replace(/^\s*modelLabel: .*$/m, '')).gate.modelLabel).toBe('gen_ai.request.model');
    const selectors = JSON.stringify(p.objectives.map((o) => o.sli));
    expect(selectors).toContain('"metric":"gen_ai.execute_tool.duration_count"');
    expect(selectors).toContain('"label":"error.type"');
    expect(selectors).not.toMatch(/"metric":"(gen_ai|agent)_[a-z_]+"/);
    // Without the field, the target stays Prometheus 2 (today's behaviour).
    expect(load(text).prometheusVersion).toBe(2);
  });

  it('a dotted label name in a matcher or modelLabel needs a UTF-8 naming; the problem names the field and both fixes', async () => {
    const text = await readFile('profiles/runtime-v1.yaml', 'utf8');
    const dotted = text.replace('modelLabel: gen_ai_request_model', 'modelLabel: gen_ai.request.model');
    let error: unknown;
    try {
      load(dotted);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).issues).toEqual([
      expect.objectContaining({ path: 'gate.modelLabel', message: 'gen_ai.request.model has dots, but metricNames otel-js writes names with underscores', hint: 'write gen_ai_request_model, or set metricNames: utf8 (Prometheus 3)' }),
    ]);
  });

  it.each(['utf8', 'utf8-unit-suffixes'])('validate refuses %s names on Prometheus 2 (the default target), naming the field and the fix', async (mode) => {
    const text = await readFile('profiles/runtime-v1.yaml', 'utf8');
    let error: unknown;
    try {
      load(`${text}\nmetricNames: ${mode}\n`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpecError);
    const issues = (error as SpecError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'metricNames', message: expect.stringContaining('need Prometheus 3') as unknown, hint: expect.stringContaining('prometheusVersion: 3') as unknown });
    expect(() => load(`${text}\nmetricNames: ${mode}\nprometheusVersion: 2\n`)).toThrow(SpecError);
    expect(load(`${text}\nmetricNames: ${mode}\nprometheusVersion: 3\n`).metricNames).toBe(mode);
  });

  it.each([
    ['runtime-v1', 'utf8'],
    ['kokino', 'utf8-unit-suffixes'],
  ] as const)('%s with %s: every generated selector of an instrument is quoted, no escaped name is left', async (name, mode) => {
    const file = `profiles/${name}.yaml`;
    const text = await readFile(file, 'utf8');
    const files = generateProfileFiles({ profile: load(`${text}\nmetricNames: ${mode}\nprometheusVersion: 3\n`), specPath: file });
    const all = files.map((f) => f.content).join('\n');
    expect(all).not.toMatch(/\b(gen_ai|agent)_(execute|client|invoke|tasks|task_cost|executions?_|execution_|model_|shadow|conversations|integrity|escalations)\w*[{[]/);
    expect(all).toMatch(/\{\\?"(gen_ai|agent)\.[a-z_.]+\\?"/);
  });
});

/** A spec with one objective (routing and runbook set) and `extra` top-level lines. */
function oneObjectiveSpec(extra: string, objective: string): string {
  return `apiVersion: agent-slo/v1
kind: SLOProfile
metadata: { name: one, service: demo }
defaults: { routing: { owner: "@team", channel: "#alerts" } }
${extra}
objectives:
  - name: o
    runbook: https://runbooks.example/o
${objective}`;
}

describe('a histogram named with metric: in OTel spelling', () => {
  const spec = (extra: string): string =>
    oneObjectiveSpec(
      extra,
      `    direction: lower_is_better
    unit: s
    target: 1
    critical: { threshold: 2 }
    sli:
      average: { histogram: { metric: http.server.request.duration, unit: s } }
`,
    );

  it('needs a utf8 naming, and is then queried quoted', () => {
    expect(() => loadProfileFromTexts([{ file: 'h.yaml', text: spec('') }])).toThrow(/http\.server\.request\.duration has dots, but metricNames otel-js writes names with underscores/);
    const p = loadProfileFromTexts([{ file: 'h.yaml', text: spec('metricNames: utf8\nprometheusVersion: 3') }]);
    const rules = generateProfileFiles({ profile: p, specPath: 'h.yaml' }).find((f) => f.path.endsWith('rules.yaml'))!.content;
    expect(rules).toContain('{"http.server.request.duration_sum"}');
  });
});

describe('user PromQL with quoted (UTF-8) names', () => {
  const spec = (extra: string): string =>
    oneObjectiveSpec(
      extra,
      `    direction: lower_is_better
    unit: events
    target: 0
    critical: { threshold: 0 }
    sli:
      zeroTolerance:
        events: { promql: 'sum(increase({"agent.tasks","agent.task.outcome"="failure"}[{{window}}]))' }
`,
    );

  it('is refused on Prometheus 2 (the default target) with the fix, and accepted with prometheusVersion: 3', () => {
    let error: unknown;
    try {
      loadProfileFromTexts([{ file: 'q.yaml', text: spec('') }]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).issues).toEqual([
      expect.objectContaining({ path: 'objectives[0].sli.zeroTolerance.events.promql', message: expect.stringContaining('only Prometheus 3 parses') as unknown, hint: expect.stringContaining('prometheusVersion: 3') as unknown }),
    ]);
    expect(loadProfileFromTexts([{ file: 'q.yaml', text: spec('prometheusVersion: 3') }]).prometheusVersion).toBe(3);
  });
});
