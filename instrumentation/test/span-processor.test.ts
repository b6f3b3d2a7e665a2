import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import type OpenAIClass from 'openai';
import { AgentSloSpanProcessor } from '@agent-slo/instrumentation';
import { harness, histogram, points, total, type Harness } from './helpers.js';
import { startFakeOpenAI, type FakeOpenAI } from './openai-server.js';

const OPENAI_SCOPE = '@opentelemetry/instrumentation-openai';
const PRICES = { 'gpt-4o-mini': { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } };

function tracing(processor: AgentSloSpanProcessor): { provider: BasicTracerProvider; tracer: Tracer; spans: InMemorySpanExporter } {
  const spans = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [processor, new SimpleSpanProcessor(spans)] });
  return { provider, tracer: provider.getTracer('my-agent-framework'), spans };
}

describe('span processor: GenAI spans from any instrumentation', () => {
  it('derives tool, task, latency and model metrics; nested invoke_agent spans are not extra tasks', async () => {
    const h = harness({ priceTable: PRICES });
    const { tracer, provider } = tracing(new AgentSloSpanProcessor({ recorder: h.recorder }));
    const agent = tracer.startSpan('invoke_agent planner', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } });
    const inAgent = trace.setSpan(context.active(), agent);
    const sub = tracer.startSpan('invoke_agent helper', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'helper' } }, inAgent);
    const inSub = trace.setSpan(inAgent, sub);
    const tool = tracer.startSpan('execute_tool search', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } }, inSub);
    tool.end();
    const badTool = tracer.startSpan('execute_tool fetch', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'fetch' } }, inSub);
    badTool.setStatus({ code: SpanStatusCode.ERROR });
    badTool.end();
    const chat = tracer.startSpan('chat gpt-4o-mini', {
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' },
    }, inSub);
    chat.setAttributes({ 'gen_ai.response.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 });
    chat.end();
    sub.end();
    agent.end();
    const failed = tracer.startSpan('invoke_agent planner', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } });
    failed.setAttribute('error.type', 'TimeoutError');
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end();
    tracer.startSpan('GET /health').end();
    const m = await h.collect();
    expect(points(m.get('gen_ai.execute_tool.duration')).map((p) => p.attributes)).toEqual([
      { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
      { 'error.type': '_OTHER', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'fetch' },
    ]);
    expect(points(m.get('agent.tasks'))).toEqual([
      { attributes: { 'agent.task.outcome': 'success', 'gen_ai.agent.name': 'planner' }, value: 1 },
      { attributes: { 'agent.task.outcome': 'failure', 'gen_ai.agent.name': 'planner' }, value: 1 },
    ]);
    expect(points(m.get('gen_ai.invoke_agent.duration')).map((p) => [p.attributes, (p.value as { count: number }).count])).toEqual([
      [{ 'gen_ai.agent.name': 'helper', 'gen_ai.operation.name': 'invoke_agent' }, 1],
      [{ 'gen_ai.agent.name': 'planner', 'gen_ai.operation.name': 'invoke_agent' }, 1],
      [{ 'error.type': 'TimeoutError', 'gen_ai.agent.name': 'planner', 'gen_ai.operation.name': 'invoke_agent' }, 1],
    ]);
    // A span from an instrumentation that records no gen_ai.client metrics of its own: the processor records them.
    expect(total(m.get('gen_ai.client.operation.duration'))).toBe(1);
    expect(points(m.get('gen_ai.client.token.usage')).map((p) => (p.value as { sum: number }).sum)).toEqual([1000, 100]);
    expect(points(m.get('agent.task.cost'))).toEqual([
      { attributes: { 'gen_ai.request.model': 'gpt-4o-mini' }, value: (1000 * 0.15 + 100 * 0.6) / 1e6 },
    ]);
    expect(m.has('agent.instrumentation.rejected')).toBe(false);
    await provider.shutdown();
  });

  it('a throwing recorder or malformed span never breaks the tracer', () => {
    const processor = new AgentSloSpanProcessor();
    expect(() => processor.onEnd({} as never)).not.toThrow();
    expect(() => processor.onEnd(null as never)).not.toThrow();
    expect(() => processor.onStart(null as never, null as never)).not.toThrow();
  });
});

describe('span processor: the span-convention mapping table (OpenInference, OpenLLMetry) and unmapped spans', () => {
  it('maps OpenInference and OpenLLMetry spans onto the same metrics as GenAI spans', async () => {
    const gen = harness({ priceTable: PRICES });
    const oi = harness({ priceTable: PRICES });
    const ol = harness({ priceTable: PRICES });
    const emit = (h: Harness, attrs: { llm: Record<string, string | number>; tool: Record<string, string>; agent: Record<string, string> }): Promise<void> => {
      const { tracer, provider } = tracing(new AgentSloSpanProcessor({ recorder: h.recorder }));
      const agent = tracer.startSpan('agent', { attributes: attrs.agent });
      const inAgent = trace.setSpan(context.active(), agent);
      tracer.startSpan('tool', { attributes: attrs.tool }, inAgent).end();
      tracer.startSpan('llm', { attributes: attrs.llm }, inAgent).end();
      agent.end();
      return provider.shutdown();
    };
    await emit(gen, {
      agent: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
      tool: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
      llm: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 },
    });
    await emit(oi, {
      agent: { 'openinference.span.kind': 'AGENT', 'agent.name': 'planner' },
      tool: { 'openinference.span.kind': 'TOOL', 'tool.name': 'search' },
      llm: { 'openinference.span.kind': 'LLM', 'llm.provider': 'openai', 'llm.model_name': 'gpt-4o-mini', 'llm.token_count.prompt': 1000, 'llm.token_count.completion': 100 },
    });
    await emit(ol, {
      agent: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' },
      tool: { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'search' },
      llm: { 'llm.request.type': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.prompt_tokens': 1000, 'gen_ai.usage.completion_tokens': 100 },
    });
    const shape = (m: Map<string, MetricData>): unknown =>
      [...m.entries()].map(([name, d]) => [name, points(d).map((p) => [p.attributes, typeof p.value === 'number' ? p.value : (p.value as { count: number }).count])]);
    const expected = shape(await gen.collect());
    expect(expected).toContainEqual(['agent.tasks', [[{ 'agent.task.outcome': 'success', 'gen_ai.agent.name': 'planner' }, 1]]]);
    expect(shape(await oi.collect())).toEqual(expected);
    expect(shape(await ol.collect())).toEqual(expected);
  });

  it('counts LLM-looking spans that map to nothing as rejected (unmapped_span); HTTP, DB and CHAIN spans are not rejected', async () => {
    const h = harness();
    const { tracer, provider } = tracing(new AgentSloSpanProcessor({ recorder: h.recorder }));
    tracer.startSpan('GET /health', { attributes: { 'http.request.method': 'GET' } }).end();
    tracer.startSpan('SELECT', { attributes: { 'db.system': 'postgresql' } }).end();
    tracer.startSpan('chain', { attributes: { 'openinference.span.kind': 'CHAIN' } }).end();
    tracer.startSpan('create_agent', { attributes: { 'gen_ai.operation.name': 'create_agent' } }).end();
    tracer.startSpan('llm call', { attributes: { 'llm.model_name': 'gpt-4o-mini' } }).end();
    tracer.startSpan('custom op', { attributes: { 'gen_ai.operation.name': 'rerank', 'gen_ai.request.model': 'x' } }).end();
    const m = await h.collect();
    expect(points(m.get('agent.instrumentation.rejected'))).toEqual([
      { attributes: { 'agent.instrumentation.reason': 'unmapped_span', 'agent.instrumentation.instrument': 'span' }, value: 2 },
    ]);
    expect(m.has('gen_ai.client.operation.duration')).toBe(false);
    await provider.shutdown();
  });

  it('rejects unmapped spans through the recorder\'s guarded entry: a disabled recorder counts nothing', async () => {
    const h = harness();
    h.recorder.disable();
    const { tracer, provider } = tracing(new AgentSloSpanProcessor({ recorder: h.recorder }));
    tracer.startSpan('llm call', { attributes: { 'llm.model_name': 'gpt-4o-mini' } }).end();
    expect((await h.collect()).has('agent.instrumentation.rejected')).toBe(false);
    h.recorder.enable();
    tracer.startSpan('llm call', { attributes: { 'llm.model_name': 'gpt-4o-mini' } }).end();
    expect(points((await h.collect()).get('agent.instrumentation.rejected'))).toEqual([
      { attributes: { 'agent.instrumentation.reason': 'unmapped_span', 'agent.instrumentation.instrument': 'span' }, value: 1 },
    ]);
    await provider.shutdown();
  });

  it('reads agent.task.outcome, agent.escalation.reason and the fallback attributes; marks every span as recorded in process', async () => {
    const h = harness();
    const { tracer, provider, spans } = tracing(new AgentSloSpanProcessor({ recorder: h.recorder }));
    const task = tracer.startSpan('invoke_agent', {
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'agent.task.outcome': 'escalated', 'agent.escalation.reason': 'low_confidence' },
    });
    const inTask = trace.setSpan(context.active(), task);
    const call = tracer.startSpan('chat', {
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'big', 'agent.fallback.to_model': 'small', 'agent.fallback.reason': 'rate_limited' },
    }, inTask);
    call.setStatus({ code: SpanStatusCode.ERROR });
    call.end();
    task.end();
    const m = await h.collect();
    expect(points(m.get('agent.tasks'))).toEqual([{ attributes: { 'agent.task.outcome': 'escalated' }, value: 1 }]);
    expect(points(m.get('agent.escalations'))).toEqual([{ attributes: { 'agent.escalation.reason': 'low_confidence' }, value: 1 }]);
    expect(points(m.get('agent.model.fallbacks'))).toEqual([
      {
        attributes: { 'gen_ai.request.model': 'big', 'agent.fallback.from_model': 'big', 'agent.fallback.to_model': 'small', 'agent.fallback.reason': 'rate_limited' },
        value: 1,
      },
    ]);
    expect(spans.getFinishedSpans().map((s) => s.attributes['agent.metrics.in_process'])).toEqual([true, true]);
    await provider.shutdown();
  });
});

describe('span processor with the published @opentelemetry/instrumentation-openai driving the real openai client', () => {
  let server: FakeOpenAI;
  let OpenAI: typeof OpenAIClass;
  let h: Harness;
  let hAlways: Harness;
  let spans: InMemorySpanExporter;
  let provider: BasicTracerProvider;

  beforeAll(async () => {
    server = await startFakeOpenAI();
    h = harness({ priceTable: PRICES });
    hAlways = harness({ priceTable: PRICES });
    spans = new InMemorySpanExporter();
    provider = new BasicTracerProvider({
      spanProcessors: [
        new AgentSloSpanProcessor({ recorder: h.recorder }),
        new AgentSloSpanProcessor({ recorder: hAlways.recorder, clientMetrics: 'always' }),
        new SimpleSpanProcessor(spans),
      ],
    });
    // The instrumentation's own metrics go to the same MeterProvider as ours (h.provider).
    registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()], tracerProvider: provider, meterProvider: h.provider });
    // CommonJS require goes through require-in-the-middle, exactly as in an app started with the SDK.
    OpenAI = (createRequire(import.meta.url)('openai') as { OpenAI: typeof OpenAIClass }).OpenAI;
  });

  afterAll(async () => {
    await provider.shutdown();
    await server.close();
  });

  it('turns chat spans into cost, without double-counting the instrumentation’s own gen_ai.client metrics', async () => {
    const client = new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0 });
    for (let i = 0; i < 3; i++) {
      const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(r.choices[0]?.message.content).toBe('hello');
    }
    await expect(client.chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 20));
    expect(server.requests).toBe(4);

    const ended = spans.getFinishedSpans();
    expect(ended.map((s) => [s.instrumentationScope.name, s.attributes['gen_ai.operation.name'], s.status.code])).toEqual([
      [OPENAI_SCOPE, 'chat', SpanStatusCode.UNSET],
      [OPENAI_SCOPE, 'chat', SpanStatusCode.UNSET],
      [OPENAI_SCOPE, 'chat', SpanStatusCode.UNSET],
      [OPENAI_SCOPE, 'chat', SpanStatusCode.ERROR],
    ]);

    // The instrumentation recorded its own duration histogram: 4 calls, one with error.type.
    const theirs = await h.collect(OPENAI_SCOPE);
    expect(total(theirs.get('gen_ai.client.operation.duration'))).toBe(4);
    // Ours: no second copy of gen_ai.client.*, but the cost that only we derive.
    const ours = await h.collect();
    expect(ours.has('gen_ai.client.operation.duration')).toBe(false);
    expect(ours.has('gen_ai.client.token.usage')).toBe(false);
    expect(points(ours.get('agent.task.cost'))).toHaveLength(1);
    expect(points(ours.get('agent.task.cost'))[0]!.attributes).toEqual({ 'gen_ai.request.model': 'gpt-4o-mini' });
    expect(points(ours.get('agent.task.cost'))[0]!.value).toBeCloseTo((3 * (1200 * 0.15 + 300 * 0.6)) / 1e6, 12);

    // Configurable: clientMetrics 'always' records them from the spans as well, with the span's attributes.
    const always = await hAlways.collect();
    const dur = points(always.get('gen_ai.client.operation.duration'));
    expect(dur.map((p) => [p.attributes, (p.value as { count: number }).count])).toEqual([
      [
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.model': 'gpt-4o-mini-2024-08-06',
        },
        3,
      ],
      [{ 'error.type': 'InternalServerError', 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'broken' }, 1],
    ]);
    const tokens = points(always.get('gen_ai.client.token.usage')).map((p) => [p.attributes['gen_ai.token.type'], (p.value as { sum: number }).sum]);
    expect(tokens).toEqual([
      ['input', 3600],
      ['output', 900],
    ]);
    expect(histogram(always.get('gen_ai.client.operation.duration')).count).toBe(3);
  });
});
