/**
 * One deterministic agent workload rendered as spans of any supported convention (GenAI semconv, OpenInference,
 * OpenLLMetry), with explicit start/end timestamps whose durations lie ≥ 5 % away from every bucket boundary, so the
 * metrics derived in process and in the collector land in the same buckets. Emitted by the Node runtimes
 * (emitNodeSpans) and, as JSON, by the Go runtime (test/runtimes/go-agent).
 */
import { context, trace, TraceFlags, type Context, type Tracer } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { GENERATED_BUCKETS } from './buckets.js';
import { TOKEN_USAGE_BUCKETS } from '../../instrumentation/src/instruments.js';

export type Convention = 'gen_ai' | 'openinference' | 'openllmetry';

type Logical =
  | { kind: 'agent'; agent: string; outcome?: 'escalated'; reason?: string }
  | { kind: 'tool'; tool: string | number }
  | { kind: 'model'; model: string; provider: string; input?: number; output?: number; fallbackTo?: string; fallbackReason?: string }
  | { kind: 'unmapped'; model: string }
  | { kind: 'http' };

interface LogicalSpan {
  id: string;
  parent?: string;
  what: Logical;
  startOffsetNs: bigint;
  durationS: number;
  error?: boolean;
  errorType?: string;
}

/** Durations (s) well inside wide buckets of every seconds histogram: ≥ 5 % from each boundary (checked by assertSafeDurations). */
export const SAFE_DURATIONS = [0.03, 0.07, 0.17, 0.35, 0.7, 1.4, 3, 5, 12.2, 17.5, 23, 38, 75] as const;

/** Throws when a duration or token count of the workload lies within 5 % of a bucket boundary. */
export function assertSafeValues(): void {
  const near = (v: number, bounds: readonly number[]): boolean => bounds.some((b) => Math.abs(v - b) < 0.05 * b);
  for (const d of SAFE_DURATIONS) {
    for (const [name, b] of Object.entries(GENERATED_BUCKETS)) if (near(d, b)) throw new Error(`${d} s is within 5 % of a ${name} boundary`);
  }
  for (const s of workload(3)) {
    if (s.what.kind !== 'model') continue;
    for (const t of [s.what.input, s.what.output]) if (t !== undefined && near(t, TOKEN_USAGE_BUCKETS)) throw new Error(`${t} tokens near a boundary`);
  }
}

/** The logical workload of `rounds` rounds (10 tasks each), deterministic. */
export function workload(rounds: number, round0 = 0): LogicalSpan[] {
  const out: LogicalSpan[] = [];
  let n = 0;
  const dur = (i: number): number => SAFE_DURATIONS[i % SAFE_DURATIONS.length]!;
  for (let r = round0; r < round0 + rounds; r++) {
    for (let t = 0; t < 10; t++) {
      const base = BigInt(r * 1000 + t * 100) * 1_000_000_000n;
      const root = `r${r}t${t}`;
      const task: LogicalSpan = { id: root, what: { kind: 'agent', agent: t % 2 === 0 ? 'planner' : 'reviewer' }, startOffsetNs: base, durationS: dur(t + 8) };
      if (t === 7) task.what = { kind: 'agent', agent: 'reviewer', outcome: 'escalated', reason: 'policy' };
      if (t === 3) Object.assign(task, { error: true, errorType: r % 2 === 0 ? 'TaskError' : undefined });
      out.push(task);
      const child = (what: Logical, extra: Partial<LogicalSpan> = {}, parent = root): void => {
        n++;
        out.push({ id: `${root}c${n}`, parent, what, startOffsetNs: base + BigInt(n % 7) * 1_000_000n, durationS: dur(n), ...extra });
      };
      child({ kind: 'tool', tool: 'search' });
      if (t % 4 === 1) child({ kind: 'tool', tool: 'fetch' }, { error: true, errorType: 'TimeoutError' });
      else if (t % 5 === 2) child({ kind: 'tool', tool: 'fetch' }, { error: true });
      else child({ kind: 'tool', tool: 'fetch' });
      child({ kind: 'model', model: 'gpt-4o-mini', provider: 'openai', input: 100 + t * 7, output: 20 + t });
      if (t === 5) child({ kind: 'model', model: 'gpt-4o', provider: 'openai', fallbackTo: 'gpt-4o-mini', fallbackReason: 'rate_limited' }, { error: true, errorType: 'RateLimitError' });
      if (t % 3 === 0) {
        const helper = `${root}h`;
        out.push({ id: helper, parent: root, what: { kind: 'agent', agent: 'helper' }, startOffsetNs: base + 5_000_000n, durationS: dur(t + 2) });
        child({ kind: 'tool', tool: 'calc' }, {}, helper);
        child({ kind: 'model', model: 'claude-haiku', provider: 'anthropic', input: 300 + t, output: 40 }, {}, helper);
      }
    }
    out.push({ id: `r${r}u`, what: { kind: 'unmapped', model: 'gpt-4o-mini' }, startOffsetNs: BigInt(r) * 1_000_000_000n, durationS: 0.03 });
    out.push({ id: `r${r}http`, what: { kind: 'http' }, startOffsetNs: BigInt(r) * 1_000_000_000n, durationS: 0.07 });
  }
  return out;
}

/** One task per tool name: a root agent span with one tool call (failing on every third, error.type `E<i>`), for label-bound tests. */
export function toolWorkload(tools: readonly (string | number)[]): LogicalSpan[] {
  return tools.flatMap((tool, i): LogicalSpan[] => {
    const base = BigInt(i) * 1_000_000_000n;
    return [
      { id: `b${i}`, what: { kind: 'agent', agent: 'planner' }, startOffsetNs: base, durationS: SAFE_DURATIONS[9] },
      { id: `b${i}c`, parent: `b${i}`, what: { kind: 'tool', tool }, startOffsetNs: base + 1_000_000n, durationS: SAFE_DURATIONS[i % 4]!, ...(i % 3 === 0 ? { error: true, errorType: `E${i}` } : {}) },
    ];
  });
}

/** USD per million tokens for the workload's models (in process and in the collector's price statements). */
export const WORKLOAD_PRICES = {
  'gpt-4o-mini': { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 },
  'gpt-4o': { inputPerMillionTokens: 2.5, outputPerMillionTokens: 10 },
  'claude-haiku': { inputPerMillionTokens: 0.8, outputPerMillionTokens: 4 },
};

type Attrs = Record<string, string | number | boolean>;

/** The span attributes of one logical span in a convention (`explicitOutcome`: root agent spans declare agent.task.outcome). */
export function render(s: LogicalSpan, convention: Convention, explicitOutcome = false): { name: string; attributes: Attrs } {
  const a: Attrs = {};
  const w = s.what;
  if (w.kind === 'agent') {
    if (convention === 'gen_ai') Object.assign(a, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': w.agent });
    if (convention === 'openinference') Object.assign(a, { 'openinference.span.kind': 'AGENT', 'agent.name': w.agent });
    if (convention === 'openllmetry') Object.assign(a, { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': w.agent });
    if (w.outcome !== undefined) a['agent.task.outcome'] = w.outcome;
    else if (explicitOutcome && s.parent === undefined) a['agent.task.outcome'] = s.error === true ? 'failure' : 'success';
    if (w.reason !== undefined) a['agent.escalation.reason'] = w.reason;
  } else if (w.kind === 'tool') {
    if (convention === 'gen_ai') Object.assign(a, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': w.tool });
    if (convention === 'openinference') Object.assign(a, { 'openinference.span.kind': 'TOOL', 'tool.name': w.tool });
    if (convention === 'openllmetry') Object.assign(a, { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': w.tool });
  } else if (w.kind === 'model') {
    const keys = {
      gen_ai: ['gen_ai.request.model', 'gen_ai.provider.name', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens'],
      openinference: ['llm.model_name', 'llm.provider', 'llm.token_count.prompt', 'llm.token_count.completion'],
      openllmetry: ['gen_ai.request.model', 'gen_ai.system', 'gen_ai.usage.prompt_tokens', 'gen_ai.usage.completion_tokens'],
    }[convention];
    if (convention === 'gen_ai') a['gen_ai.operation.name'] = 'chat';
    if (convention === 'openinference') a['openinference.span.kind'] = 'LLM';
    if (convention === 'openllmetry') a['llm.request.type'] = 'chat';
    a[keys[0]!] = w.model;
    a[keys[1]!] = w.provider;
    if (w.input !== undefined) a[keys[2]!] = w.input;
    if (w.output !== undefined) a[keys[3]!] = w.output;
    if (w.fallbackTo !== undefined) a['agent.fallback.to_model'] = w.fallbackTo;
    if (w.fallbackReason !== undefined) a['agent.fallback.reason'] = w.fallbackReason;
  } else if (w.kind === 'unmapped') {
    a[convention === 'openinference' ? 'llm.model_name' : 'gen_ai.request.model'] = w.model;
  } else {
    a['http.request.method'] = 'GET';
  }
  if (s.errorType !== undefined) a['error.type'] = s.errorType;
  return { name: `${w.kind} ${s.id}`, attributes: a };
}

const hr = (ns: bigint): [number, number] => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
const durationNs = (s: number): bigint => BigInt(Math.round(s * 1e9));

/** Emits the spans through `tracer` with explicit timestamps (parents before children; ended in order). */
export function emitNodeSpans(tracer: Tracer, spans: readonly LogicalSpan[], convention: Convention, baseNs: bigint, opts: { traceState?: string } = {}): void {
  let root: Context = context.active();
  if (opts.traceState !== undefined) {
    root = trace.setSpanContext(root, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: new TraceState(opts.traceState),
    });
  }
  const ctxs = new Map<string, Context>();
  const open: { span: ReturnType<Tracer['startSpan']>; end: bigint }[] = [];
  for (const s of spans) {
    const { name, attributes } = render(s, convention, opts.traceState !== undefined);
    const parent = s.parent === undefined ? root : ctxs.get(s.parent)!;
    const start = baseNs + s.startOffsetNs;
    const span = tracer.startSpan(name, { startTime: hr(start), attributes }, parent);
    if (s.error === true) span.setStatus({ code: SpanStatusCode.ERROR });
    ctxs.set(s.id, trace.setSpan(parent, span));
    open.push({ span, end: start + durationNs(s.durationS) });
  }
  for (const o of open) o.span.end(hr(o.end));
}

/** The workload as the Go runtime reads it (test/runtimes/go-agent/main.go). */
export function goWorkload(spans: readonly LogicalSpan[], convention: Convention, baseNs: bigint, endpoint: string, resource: Record<string, string>): string {
  return JSON.stringify({
    endpoint,
    resource,
    spans: spans.map((s) => {
      const { name, attributes } = render(s, convention);
      const start = baseNs + s.startOffsetNs;
      return {
        id: s.id,
        ...(s.parent !== undefined ? { parent: s.parent } : {}),
        name,
        startNs: String(start),
        endNs: String(start + durationNs(s.durationS)),
        attributes,
        ...(s.error === true ? { error: true } : {}),
      };
    }),
  });
}
