import { describe, expect, it } from 'vitest';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import { DEFAULT_BUCKETS, TOKEN_USAGE_BUCKETS } from '@agent-slo/instrumentation';
import { GENERATED_BUCKETS, harness, histogram, points, total } from './helpers.js';

const LATENCY = [...GENERATED_BUCKETS['gen_ai.invoke_agent.duration']];

describe('instrument descriptors', () => {
  it('creates every instrument with its exact name, unit, type and buckets', async () => {
    const h = harness({ priceTable: { m: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } } });
    const r = h.recorder;
    r.recordToolCall({ toolName: 't', durationSeconds: 1 });
    r.recordModelCall({ requestModel: 'm', durationSeconds: 1, inputTokens: 1, outputTokens: 1 });
    r.recordTask({ outcome: 'escalated', durationSeconds: 1, costUsd: 0.1 });
    r.recordModelFallback({ fromModel: 'a', toModel: 'b', reason: 'rate_limit' });
    r.recordExecution({ outcome: 'completed', durationSeconds: 1, memoryBytes: 1 });
    r.recordShadowComparison('match');
    r.recordIntegrityFailure('orphan_detected');
    r.recordConversation();
    r.recordShadowComparison('nope' as 'match');
    const m = await h.collect();
    const summary = [...m.values()]
      .map((x) => ({
        name: x.descriptor.name,
        unit: x.descriptor.unit,
        type: x.dataPointType === DataPointType.SUM ? (x.isMonotonic ? 'counter' : 'updown') : x.dataPointType === DataPointType.HISTOGRAM ? 'histogram' : 'other',
        buckets: x.dataPointType === DataPointType.HISTOGRAM ? histogram(x).buckets.boundaries : undefined,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const hist = 'histogram';
    const ctr = 'counter';
    expect(summary).toEqual([
      { name: 'agent.conversations', unit: '{conversation}', type: ctr, buckets: undefined },
      { name: 'agent.escalations', unit: '{escalation}', type: ctr, buckets: undefined },
      { name: 'agent.execution.duration', unit: 's', type: hist, buckets: [...GENERATED_BUCKETS['agent.execution.duration']] },
      { name: 'agent.execution.memory', unit: 'By', type: hist, buckets: [...GENERATED_BUCKETS['agent.execution.memory']] },
      { name: 'agent.executions', unit: '{execution}', type: ctr, buckets: undefined },
      { name: 'agent.instrumentation.rejected', unit: '{recording}', type: ctr, buckets: undefined },
      { name: 'agent.integrity.failures', unit: '{failure}', type: ctr, buckets: undefined },
      { name: 'agent.model.fallbacks', unit: '{fallback}', type: ctr, buckets: undefined },
      { name: 'agent.shadow.comparisons', unit: '{comparison}', type: ctr, buckets: undefined },
      { name: 'agent.task.cost', unit: 'USD', type: ctr, buckets: undefined },
      { name: 'agent.tasks', unit: '{task}', type: ctr, buckets: undefined },
      { name: 'gen_ai.client.operation.duration', unit: 's', type: hist, buckets: [...GENERATED_BUCKETS['gen_ai.client.operation.duration']] },
      { name: 'gen_ai.client.token.usage', unit: '{token}', type: hist, buckets: [...TOKEN_USAGE_BUCKETS] },
      { name: 'gen_ai.execute_tool.duration', unit: 's', type: hist, buckets: [...GENERATED_BUCKETS['gen_ai.execute_tool.duration']] },
      { name: 'gen_ai.invoke_agent.duration', unit: 's', type: hist, buckets: LATENCY },
    ]);
    await h.shutdown();
  });

  it('lets bucket boundaries be overridden at run time, and ignores invalid overrides', async () => {
    const h = harness({ buckets: { 'gen_ai.execute_tool.duration': [1, 2, 3], 'agent.execution.duration': [3, 2] } });
    h.recorder.recordToolCall({ toolName: 't', durationSeconds: 2 });
    h.recorder.recordExecution({ outcome: 'completed', durationSeconds: 2 });
    const m = await h.collect();
    expect(histogram(m.get('gen_ai.execute_tool.duration')).buckets).toEqual({ boundaries: [1, 2, 3], counts: [0, 1, 0, 0] });
    expect(histogram(m.get('agent.execution.duration')).buckets.boundaries).toEqual([...DEFAULT_BUCKETS['agent.execution.duration']]);
    expect(h.recorder.reportedProblems()).toContain('invalid_buckets:agent.execution.duration');
  });
});

describe('record functions: exact attribute maps and values', () => {
  it('recordToolCall', async () => {
    const h = harness();
    h.recorder.recordToolCall({ toolName: 'search', durationSeconds: 8, agentName: 'planner' });
    h.recorder.recordToolCall({ toolName: 'search', durationSeconds: 0.5, errorType: 'TimeoutError' });
    const m = (await h.collect()).get('gen_ai.execute_tool.duration');
    const ps = points(m);
    expect(ps.map((p) => p.attributes)).toEqual([
      { 'gen_ai.agent.name': 'planner', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
      { 'error.type': 'TimeoutError', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
    ]);
    const first = histogram(m, 0);
    expect([first.count, first.sum]).toEqual([1, 8]);
    // 8 s lands exactly in the bucket whose upper bound is 8 (le="8").
    expect(first.buckets.counts[first.buckets.boundaries.indexOf(8)]).toBe(1);
  });

  it('recordModelCall records duration, input and output tokens, and cost from the price table', async () => {
    const h = harness({ priceTable: { 'gpt-4o': { inputPerMillionTokens: 2.5, outputPerMillionTokens: 10 } } });
    h.recorder.recordModelCall({
      providerName: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      durationSeconds: 1.5,
      inputTokens: 1000,
      outputTokens: 200,
    });
    const m = await h.collect();
    const base = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
    };
    expect(points(m.get('gen_ai.client.operation.duration')).map((p) => p.attributes)).toEqual([base]);
    expect(points(m.get('gen_ai.client.token.usage')).map((p) => [p.attributes, (p.value as { sum: number }).sum])).toEqual([
      [{ ...base, 'gen_ai.token.type': 'input' }, 1000],
      [{ ...base, 'gen_ai.token.type': 'output' }, 200],
    ]);
    expect(points(m.get('agent.task.cost'))).toEqual([
      { attributes: { 'gen_ai.request.model': 'gpt-4o' }, value: (1000 * 2.5 + 200 * 10) / 1e6 },
    ]);
  });

  it('recordTask counts the outcome, latency, cost, and an escalation for escalated tasks', async () => {
    const h = harness({ priceTable: { small: { inputPerMillionTokens: 1, outputPerMillionTokens: 4 } } });
    h.recorder.recordTask({ outcome: 'success', agentName: 'a', model: 'small', durationSeconds: 10, costUsd: 0.05 });
    h.recorder.recordTask({ outcome: 'escalated', escalationReason: 'low_confidence', usage: [{ model: 'small', inputTokens: 1e6, outputTokens: 0 }] });
    h.recorder.recordTask({ outcome: 'failure', durationSeconds: 15, errorType: 'TypeError' });
    const m = await h.collect();
    expect(points(m.get('agent.tasks'))).toEqual([
      { attributes: { 'agent.task.outcome': 'success', 'gen_ai.agent.name': 'a', 'gen_ai.request.model': 'small' }, value: 1 },
      { attributes: { 'agent.task.outcome': 'escalated' }, value: 1 },
      { attributes: { 'agent.task.outcome': 'failure' }, value: 1 },
    ]);
    expect(points(m.get('agent.escalations'))).toEqual([{ attributes: { 'agent.escalation.reason': 'low_confidence' }, value: 1 }]);
    expect(points(m.get('agent.task.cost'))).toEqual([
      { attributes: { 'gen_ai.agent.name': 'a', 'gen_ai.request.model': 'small' }, value: 0.05 },
      { attributes: {}, value: 1 },
    ]);
    const lat = points(m.get('gen_ai.invoke_agent.duration'));
    expect(lat.map((p) => [p.attributes, (p.value as { sum: number }).sum])).toEqual([
      [{ 'gen_ai.agent.name': 'a', 'gen_ai.operation.name': 'invoke_agent' }, 10],
      [{ 'error.type': 'TypeError', 'gen_ai.operation.name': 'invoke_agent' }, 15],
    ]);
  });

  it('recordModelFallback, recordEscalation, recordExecution, shadow, integrity, conversations, cost', async () => {
    const h = harness();
    const r = h.recorder;
    r.recordModelFallback({ fromModel: 'big', toModel: 'small', reason: 'rate_limit' });
    r.recordEscalation({ reason: 'policy' });
    r.recordEscalation();
    r.recordExecution({ outcome: 'timeout', durationSeconds: 61, memoryBytes: 1e9 });
    r.recordExecution({ outcome: 'completed' });
    r.recordShadowComparison('match');
    r.recordShadowComparison('mismatch');
    r.recordShadowComparison('match');
    r.recordIntegrityFailure('conversation_integrity_fail');
    r.recordConversation(3);
    r.recordCost(0.25, { agentName: 'x' });
    const m = await h.collect();
    expect(points(m.get('agent.model.fallbacks'))).toEqual([
      {
        attributes: {
          'agent.fallback.from_model': 'big',
          'agent.fallback.reason': 'rate_limit',
          'agent.fallback.to_model': 'small',
          'gen_ai.request.model': 'big',
        },
        value: 1,
      },
    ]);
    expect(points(m.get('agent.escalations'))).toEqual([
      { attributes: { 'agent.escalation.reason': 'policy' }, value: 1 },
      { attributes: { 'agent.escalation.reason': '_OTHER' }, value: 1 },
    ]);
    expect(points(m.get('agent.executions'))).toEqual([
      { attributes: { 'agent.execution.outcome': 'timeout' }, value: 1 },
      { attributes: { 'agent.execution.outcome': 'completed' }, value: 1 },
    ]);
    const mem = histogram(m.get('agent.execution.memory'));
    expect(mem.buckets.counts[mem.buckets.boundaries.indexOf(1e9)]).toBe(1);
    const dur = histogram(m.get('agent.execution.duration'));
    expect([dur.count, dur.sum, dur.buckets.counts[dur.buckets.boundaries.indexOf(63)]]).toEqual([1, 61, 1]);
    expect(points(m.get('agent.shadow.comparisons'))).toEqual([
      { attributes: { 'agent.shadow.result': 'match' }, value: 2 },
      { attributes: { 'agent.shadow.result': 'mismatch' }, value: 1 },
    ]);
    expect(points(m.get('agent.integrity.failures'))).toEqual([
      { attributes: { 'agent.integrity.failure_type': 'conversation_integrity_fail' }, value: 1 },
    ]);
    expect(points(m.get('agent.conversations'))).toEqual([{ attributes: {}, value: 3 }]);
    expect(points(m.get('agent.task.cost'))).toEqual([{ attributes: { 'gen_ai.agent.name': 'x' }, value: 0.25 }]);
    expect(m.has('agent.instrumentation.rejected')).toBe(false);
  });
});

describe('wrappers', () => {
  class ToolBroke extends Error {}

  it('withToolCall times sync and async functions and returns their results untouched', async () => {
    const h = harness();
    const obj = { a: 1 };
    expect(h.recorder.withToolCall('sync', () => obj)).toBe(obj);
    const p = Promise.resolve(obj);
    const returned = h.recorder.withToolCall({ toolName: 'async', agentName: 'ag' }, () => p);
    expect(returned).toBe(p);
    expect(await returned).toBe(obj);
    await new Promise((r) => setTimeout(r, 0));
    const ps = points((await h.collect()).get('gen_ai.execute_tool.duration'));
    expect(ps.map((x) => x.attributes)).toEqual([
      { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'sync' },
      { 'gen_ai.agent.name': 'ag', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'async' },
    ]);
  });

  it('throwing and rejecting functions keep their error and count as failures', async () => {
    const h = harness();
    const err = new ToolBroke('boom');
    let caught: unknown;
    try {
      h.recorder.withToolCall('t', () => {
        throw err;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(err);
    const nonError = { weird: true };
    await expect(h.recorder.withToolCall('t', () => Promise.reject(nonError as unknown as Error))).rejects.toBe(nonError);
    await expect(h.recorder.withToolCall('t', () => Promise.reject(err))).rejects.toBe(err);
    await new Promise((r) => setTimeout(r, 0));
    const ps = points((await h.collect()).get('gen_ai.execute_tool.duration'));
    expect(ps.map((x) => [x.attributes['error.type'], (x.value as { count: number }).count])).toEqual([
      ['ToolBroke', 2],
      ['_OTHER', 1],
    ]);
  });

  it('withModelCall records usage reported through the handle, or the error type', async () => {
    const h = harness();
    const v = await h.recorder.withModelCall({ requestModel: 'm', providerName: 'p' }, async (call) => {
      await Promise.resolve();
      call.setUsage({ inputTokens: 7, outputTokens: 3, responseModel: 'm-1' });
      return 42;
    });
    expect(v).toBe(42);
    const err = new RangeError('x');
    expect(() =>
      h.recorder.withModelCall({ requestModel: 'm' }, () => {
        throw err;
      }),
    ).toThrow(err);
    await new Promise((r) => setTimeout(r, 0));
    const m = await h.collect();
    expect(points(m.get('gen_ai.client.operation.duration')).map((p) => p.attributes)).toEqual([
      { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'p', 'gen_ai.request.model': 'm', 'gen_ai.response.model': 'm-1' },
      { 'error.type': 'RangeError', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' },
    ]);
    expect(total(m.get('gen_ai.client.token.usage'))).toBe(2);
  });

  it('withTask: success on return, failure on throw, or the outcome and cost set on the handle', async () => {
    const h = harness();
    expect(h.recorder.withTask({ agentName: 'a' }, () => 'ok')).toBe('ok');
    await expect(
      h.recorder.withTask({ agentName: 'a' }, async () => {
        await Promise.resolve();
        throw new TypeError('t');
      }),
    ).rejects.toThrow(TypeError);
    await h.recorder.withTask({ agentName: 'a' }, async (task) => {
      await Promise.resolve();
      task.addCost(0.03);
      task.addCost(0.02);
      task.addCost(Number.NaN);
      task.setOutcome('escalated', 'needs_human');
      return undefined;
    });
    await new Promise((r) => setTimeout(r, 0));
    const m = await h.collect();
    expect(points(m.get('agent.tasks'))).toEqual([
      { attributes: { 'agent.task.outcome': 'success', 'gen_ai.agent.name': 'a' }, value: 1 },
      { attributes: { 'agent.task.outcome': 'failure', 'gen_ai.agent.name': 'a' }, value: 1 },
      { attributes: { 'agent.task.outcome': 'escalated', 'gen_ai.agent.name': 'a' }, value: 1 },
    ]);
    expect(points(m.get('agent.task.cost'))).toEqual([{ attributes: { 'gen_ai.agent.name': 'a' }, value: 0.05 }]);
    expect(points(m.get('agent.escalations'))).toEqual([
      { attributes: { 'agent.escalation.reason': 'needs_human', 'gen_ai.agent.name': 'a' }, value: 1 },
    ]);
    expect(points(m.get('agent.instrumentation.rejected'))).toEqual([
      { attributes: { 'agent.instrumentation.instrument': 'agent.task.cost', 'agent.instrumentation.reason': 'invalid_cost' }, value: 1 },
    ]);
    expect(points(m.get('gen_ai.invoke_agent.duration')).map((p) => p.attributes)).toEqual([
      { 'gen_ai.agent.name': 'a', 'gen_ai.operation.name': 'invoke_agent' },
      { 'error.type': 'TypeError', 'gen_ai.agent.name': 'a', 'gen_ai.operation.name': 'invoke_agent' },
    ]);
  });

  it('N parallel recordings from many async tasks produce exactly N', async () => {
    const h = harness();
    const N = 5000;
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i % 7));
        await h.recorder.withToolCall(`tool${i % 10}`, async () => {
          await new Promise((r) => setImmediate(r));
          if (i % 5 === 0) throw new Error('x');
        }).catch(() => undefined);
        h.recorder.recordTask({ outcome: i % 2 === 0 ? 'success' : 'failure' });
      }),
    );
    await new Promise((r) => setTimeout(r, 0));
    const m = await h.collect();
    expect(total(m.get('gen_ai.execute_tool.duration'))).toBe(N);
    expect(
      points(m.get('gen_ai.execute_tool.duration'))
        .filter((p) => p.attributes['error.type'] === 'Error')
        .reduce((s, p) => s + (p.value as { count: number }).count, 0),
    ).toBe(N / 5);
    expect(total(m.get('agent.tasks'))).toBe(N);
  });
});
