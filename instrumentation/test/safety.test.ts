import { afterEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel, type DiagLogger, type MeterProvider } from '@opentelemetry/api';
import { createAgentSloRecorder, type AgentSloRecorder } from '@agent-slo/instrumentation';
import { harness, points, total } from './helpers.js';

const hostile = {
  get toolName(): string {
    throw new Error('hostile getter');
  },
};
const BAD: unknown[] = [undefined, null, Number.NaN, -1, Infinity, 'x', {}, [], Symbol('s'), 10n, hostile, () => 1];

/** Every public entry point called with every bad value. */
function calls(r: AgentSloRecorder): [string, (v: unknown) => unknown][] {
  const a = (v: unknown): never => v as never;
  return [
    ['recordToolCall(v)', (v) => r.recordToolCall(a(v))],
    ['recordToolCall({durationSeconds:v})', (v) => r.recordToolCall({ toolName: 't', durationSeconds: a(v) })],
    ['recordToolCall({toolName:v})', (v) => r.recordToolCall({ toolName: a(v), durationSeconds: 1 })],
    ['recordModelCall(v)', (v) => r.recordModelCall(a(v))],
    ['recordModelCall({tokens:v})', (v) => r.recordModelCall({ requestModel: 'm', durationSeconds: 1, inputTokens: a(v) })],
    ['recordTask(v)', (v) => r.recordTask(a(v))],
    ['recordTask({outcome:v})', (v) => r.recordTask({ outcome: a(v) })],
    ['recordTask({costUsd:v})', (v) => r.recordTask({ outcome: 'success', costUsd: a(v) })],
    ['recordTask({usage:v})', (v) => r.recordTask({ outcome: 'success', usage: a(v) })],
    ['recordAgentInvocation(v)', (v) => r.recordAgentInvocation(a(v))],
    ['recordModelFallback(v)', (v) => r.recordModelFallback(a(v))],
    ['recordEscalation(v)', (v) => r.recordEscalation(a(v))],
    ['recordExecution(v)', (v) => r.recordExecution(a(v))],
    ['recordExecution({memoryBytes:v})', (v) => r.recordExecution({ outcome: 'completed', memoryBytes: a(v) })],
    ['recordShadowComparison(v)', (v) => r.recordShadowComparison(a(v))],
    ['recordIntegrityFailure(v)', (v) => r.recordIntegrityFailure(a(v))],
    ['recordConversation(v)', (v) => r.recordConversation(a(v))],
    ['recordCost(v)', (v) => r.recordCost(a(v))],
    ['withToolCall(v, fn)', (v) => r.withToolCall(a(v), () => 1)],
    ['withModelCall(v, fn)', (v) => r.withModelCall(a(v), (c) => c.setUsage(a(v)))],
    ['withTask(v, fn)', (v) => r.withTask(a(v), (t) => (t.addCost(a(v)), t.addUsage(a(v)), t.setOutcome(a(v))))],
  ];
}

afterEach(() => diag.disable());

describe('never throws into the host', () => {
  it('survives every bad input on every entry point', () => {
    const h = harness();
    for (const [name, call] of calls(h.recorder)) {
      for (const v of BAD) {
        expect(() => call(v), `${name} with ${String(typeof v === 'symbol' ? 'symbol' : v)}`).not.toThrow();
      }
    }
  });

  it('survives a MeterProvider whose meters and instruments throw', () => {
    const throwing = (): never => {
      throw new Error('sdk broke');
    };
    const instrument = { record: throwing, add: throwing };
    const provider = { getMeter: () => ({ createHistogram: () => instrument, createCounter: () => instrument }) } as unknown as MeterProvider;
    const broken = { getMeter: throwing } as unknown as MeterProvider;
    for (const p of [provider, broken]) {
      const r = createAgentSloRecorder({ meterProvider: p });
      for (const [name, call] of calls(r)) {
        expect(() => call(undefined), name).not.toThrow();
      }
      expect(r.withToolCall('t', () => 'result')).toBe('result');
      expect(r.reportedProblems()).toContain('internal_error');
    }
  });

  it('rejects invalid input, counts it in agent.instrumentation.rejected and reports each kind once through diag', async () => {
    const logged: string[] = [];
    const logger: DiagLogger = {
      error: (...args) => logged.push(args.map(String).join(' ')),
      warn: (...args) => logged.push(args.map(String).join(' ')),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    const h = harness();
    const r = h.recorder;
    for (let i = 0; i < 3; i++) {
      r.recordToolCall({ toolName: 't', durationSeconds: -1 });
      r.recordToolCall({ toolName: 't', durationSeconds: Number.NaN });
      r.recordTask({ outcome: 'success', costUsd: Number.NaN });
      r.recordTask({ outcome: 'done' as 'success' });
      r.recordExecution({ outcome: 'completed', durationSeconds: Infinity });
    }
    const m = await h.collect();
    expect(points(m.get('agent.instrumentation.rejected'))).toEqual([
      { attributes: { 'agent.instrumentation.instrument': 'gen_ai.execute_tool.duration', 'agent.instrumentation.reason': 'invalid_duration' }, value: 6 },
      { attributes: { 'agent.instrumentation.instrument': 'agent.task.cost', 'agent.instrumentation.reason': 'invalid_cost' }, value: 3 },
      { attributes: { 'agent.instrumentation.instrument': 'agent.tasks', 'agent.instrumentation.reason': 'unknown_outcome' }, value: 3 },
      { attributes: { 'agent.instrumentation.instrument': 'agent.execution.duration', 'agent.instrumentation.reason': 'invalid_duration' }, value: 3 },
    ]);
    // Nothing invalid reached the real instruments; the valid parts did.
    expect(m.has('gen_ai.execute_tool.duration')).toBe(false);
    expect(total(m.get('agent.tasks'))).toBe(3);
    expect(total(m.get('agent.executions'))).toBe(3);
    expect(m.has('agent.execution.duration')).toBe(false);
    expect(logged).toHaveLength(4);
    expect(logged[0]).toMatch(/rejected a recording of gen_ai\.execute_tool\.duration: durationSeconds must be a finite number/);
  });

  it('records nothing while disabled, and wrappers still run the function', async () => {
    const h = harness({ enabled: false });
    expect(h.recorder.withTask({}, () => 5)).toBe(5);
    h.recorder.recordShadowComparison('match');
    h.recorder.enable();
    h.recorder.recordShadowComparison('match');
    expect(total((await h.collect()).get('agent.shadow.comparisons'))).toBe(1);
  });
});

describe('huge attribute values cost O(cap), not O(size)', () => {
  it('10 MB strings as attributes (or in place of the attribute object) are folded to _OTHER in well under 50 ms each', async () => {
    const h = harness();
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const calls: [string, () => void][] = [
      ['recordCost(1, huge)', () => h.recorder.recordCost(1, huge as never)],
      ['recordCost(1, {agentName: huge})', () => h.recorder.recordCost(1, { agentName: huge, model: huge })],
      ['recordToolCall({toolName: huge})', () => h.recorder.recordToolCall({ toolName: huge, durationSeconds: 1, agentName: huge, errorType: huge })],
      ['recordModelCall({requestModel: huge})', () => h.recorder.recordModelCall({ requestModel: huge, durationSeconds: 1, providerName: huge })],
      ['recordTask({agentName: huge})', () => h.recorder.recordTask({ outcome: 'success', agentName: huge, model: huge })],
    ];
    for (const [name, call] of calls) {
      const started = performance.now();
      call();
      expect(performance.now() - started, name).toBeLessThan(50);
    }
    const m = await h.collect();
    const cost = points(m.get('agent.task.cost'));
    expect(cost.reduce((s, p) => s + (p.value as number), 0)).toBe(2);
    for (const p of [...cost, ...points(m.get('gen_ai.execute_tool.duration')), ...points(m.get('agent.tasks'))]) {
      for (const v of Object.values(p.attributes)) expect(String(v).length).toBeLessThanOrEqual(128);
    }
  });
});

describe('invalid options', () => {
  it('are reported and replaced by defaults, never thrown', () => {
    const bad = {
      buckets: { 'gen_ai.execute_tool.duration': 'nope' as unknown as number[] },
      cardinality: { maxValuesPerAttribute: -3, maxValueLength: Number.NaN },
      priceTable: { m: { inputPerMillionTokens: Number.NaN, outputPerMillionTokens: 1 } },
    };
    let r: AgentSloRecorder | undefined;
    expect(() => (r = createAgentSloRecorder(bad))).not.toThrow();
    expect(r!.reportedProblems()).toEqual(['invalid_buckets:gen_ai.execute_tool.duration', 'invalid_price_table']);
    expect(() => r!.recordModelCall({ requestModel: 'm', durationSeconds: 1, inputTokens: 5 })).not.toThrow();
  });
});
