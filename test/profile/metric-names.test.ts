import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_SIGNALS, COUNTER_SIGNALS, signalMetricName } from '../../src/conventions.js';
import { generateProfileFiles } from '../../src/generate/all.js';
import { loadProfileFromTexts } from '../../src/profile/load.js';

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
