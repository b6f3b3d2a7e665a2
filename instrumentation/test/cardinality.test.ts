import { describe, expect, it } from 'vitest';
import { BoundedValues } from '@agent-slo/instrumentation';
import { harness, points, total } from './helpers.js';

describe('cardinality bounds', () => {
  it('100k distinct tool names stay within the bound; the rest are _OTHER and still counted', async () => {
    const h = harness({ cardinality: { maxValuesPerAttribute: 50 } });
    const N = 100_000;
    for (let i = 0; i < N; i++) h.recorder.recordToolCall({ toolName: `tool-${i}`, durationSeconds: 0.1 });
    const m = (await h.collect()).get('gen_ai.execute_tool.duration');
    const ps = points(m);
    expect(ps).toHaveLength(51);
    expect(new Set(ps.map((p) => p.attributes['gen_ai.tool.name'])).has('_OTHER')).toBe(true);
    expect(total(m)).toBe(N);
    const other = ps.find((p) => p.attributes['gen_ai.tool.name'] === '_OTHER');
    expect((other?.value as { count: number }).count).toBe(N - 50);
  });

  it('an allow-list keeps only listed values', async () => {
    const h = harness({ cardinality: { allow: { 'gen_ai.tool.name': ['search', 'fetch'] } } });
    for (const t of ['search', 'fetch', 'rm -rf', 'search']) h.recorder.recordToolCall({ toolName: t, durationSeconds: 1 });
    const ps = points((await h.collect()).get('gen_ai.execute_tool.duration'));
    expect(ps.map((p) => [p.attributes['gen_ai.tool.name'], (p.value as { count: number }).count])).toEqual([
      ['search', 2],
      ['fetch', 1],
      ['_OTHER', 1],
    ]);
  });

  it('bounds error types, models and agent names too, and maps over-long or empty values to _OTHER', async () => {
    const h = harness({ cardinality: { maxValuesPerAttribute: 3, maxValueLength: 10 } });
    for (let i = 0; i < 20; i++) {
      h.recorder.recordToolCall({ toolName: 't', durationSeconds: 1, errorType: `E${i}`, agentName: `agent${i}` });
      h.recorder.recordModelCall({ requestModel: `model-${i}`, durationSeconds: 1 });
    }
    h.recorder.recordToolCall({ toolName: 'x'.repeat(11), durationSeconds: 1 });
    h.recorder.recordToolCall({ toolName: '', durationSeconds: 1 });
    const m = await h.collect();
    const tools = points(m.get('gen_ai.execute_tool.duration'));
    expect(new Set(tools.map((p) => p.attributes['error.type'])).size).toBeLessThanOrEqual(4 + 1);
    expect(new Set(tools.map((p) => p.attributes['gen_ai.agent.name'])).size).toBeLessThanOrEqual(4 + 1);
    expect(tools.filter((p) => p.attributes['gen_ai.tool.name'] === '_OTHER').reduce((s, p) => s + (p.value as { count: number }).count, 0)).toBe(2);
    expect(new Set(points(m.get('gen_ai.client.operation.duration')).map((p) => p.attributes['gen_ai.request.model']))).toEqual(
      new Set(['model-0', 'model-1', 'model-2', '_OTHER']),
    );
  });

  it('BoundedValues never stores values past the bound', () => {
    const b = new BoundedValues(10, 128);
    for (let i = 0; i < 1000; i++) b.bound(`v${i}`);
    expect(b.size).toBe(10);
    expect(b.hasOverflowed).toBe(true);
    expect(b.bound('v3')).toBe('v3');
    expect(b.bound(42)).toBe('_OTHER');
  });
});
