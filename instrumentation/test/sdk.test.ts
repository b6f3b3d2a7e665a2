import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type Socket } from 'node:net';
import { metrics, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { agentSloViews, startAgentSloMetrics, AgentSloSetupError, type AgentSloMetrics } from '@agent-slo/instrumentation/sdk';
import { AgentSloInstrumentation, createAgentSloRecorder, MissingBucketBoundaryError, PACKAGE_NAME } from '@agent-slo/instrumentation';
import { GENERATED_BUCKETS } from './helpers.js';

let running: AgentSloMetrics | undefined;
afterEach(async () => {
  await running?.shutdown();
  running = undefined;
});

describe('startAgentSloMetrics (Prometheus pull exporter)', () => {
  it('serves the SLO metrics under the Prometheus names the profiles read, with the generated le set', async () => {
    running = await startAgentSloMetrics({ serviceName: 'sdk-test', prometheus: { port: 0, host: '127.0.0.1' }, buckets: GENERATED_BUCKETS });
    expect(metrics.getMeterProvider()).toBe(running.meterProvider);
    const r = running.recorder;
    r.recordToolCall({ toolName: 'search', durationSeconds: 9, errorType: 'Timeout' });
    r.recordTask({ outcome: 'success', costUsd: 0.12, durationSeconds: 8 });
    r.recordExecution({ outcome: 'completed', durationSeconds: 30, memoryBytes: 5e8 });
    r.recordModelFallback({ fromModel: 'a', toModel: 'b', reason: 'rate_limit' });
    const text = await (await fetch(running.prometheus!.url)).text();
    expect(text).toContain('gen_ai_execute_tool_duration_bucket{gen_ai_operation_name="execute_tool",gen_ai_tool_name="search",error_type="Timeout",otel_scope_name="@agent-slo/instrumentation"');
    expect(text).toMatch(/agent_tasks_total\{agent_task_outcome="success",otel_scope_name="@agent-slo\/instrumentation"[^}]*\} 1\n/);
    expect(text).toMatch(/agent_task_cost_total\{otel_scope_name="@agent-slo\/instrumentation"[^}]*\} 0\.12\n/);
    expect(text).toMatch(/gen_ai_invoke_agent_duration_bucket\{[^}]*le="8"\} 1\n/);
    expect(text).toMatch(/agent_execution_duration_bucket\{[^}]*le="30"\} 1\n/);
    expect(text).toMatch(/agent_execution_memory_bucket\{[^}]*le="500000000"\} 1\n/);
    expect(text).toMatch(/agent_execution_memory_bucket\{[^}]*le="1000000000"\} 1\n/);
    expect(text).toContain('agent_model_fallbacks_total{');
    expect(text).toContain('service_name="sdk-test"');
  });

  it('port 0 picks a free port (the exporter alone would fall back to 9464), twice at once', async () => {
    const a = await startAgentSloMetrics({ prometheus: { port: 0, host: '127.0.0.1' }, setGlobal: false });
    const b = await startAgentSloMetrics({ prometheus: { port: 0, host: '127.0.0.1' }, setGlobal: false });
    try {
      expect(a.prometheus!.port).not.toBe(9464);
      expect(b.prometheus!.port).not.toBe(a.prometheus!.port);
      expect((await fetch(a.prometheus!.url)).status).toBe(200);
      expect((await fetch(b.prometheus!.url)).status).toBe(200);
      expect((await fetch(a.prometheus!.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
    await expect(fetch(a.prometheus!.url)).rejects.toThrow();
  });

  it('shutdown flushes, closes the port and unregisters the global provider; a busy port is a clear error', async () => {
    const m = await startAgentSloMetrics({ prometheus: { port: 0, host: '127.0.0.1' } });
    const port = m.prometheus!.port;
    await m.shutdown();
    await m.shutdown();
    expect(metrics.getMeterProvider()).not.toBe(m.meterProvider);
    await expect(fetch(m.prometheus!.url)).rejects.toThrow();

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startAgentSloMetrics({ prometheus: { port, host: '127.0.0.1' } })).rejects.toBeInstanceOf(AgentSloSetupError);
    } finally {
      blocker.close();
    }
  });

  it('pushes OTLP/HTTP to a collector endpoint and flushes on shutdown', async () => {
    const bodies: string[] = [];
    const { createServer: createHttp } = await import('node:http');
    const collector = createHttp((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        bodies.push(`${req.url} ${b}`);
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const port = (collector.address() as { port: number }).port;
    try {
      const m = await startAgentSloMetrics({
        prometheus: false,
        setGlobal: false,
        otlp: { url: `http://127.0.0.1:${port}/v1/metrics`, exportIntervalMillis: 3_600_000 },
      });
      m.recorder.recordShadowComparison('mismatch');
      await m.shutdown();
      expect(bodies.some((b) => b.startsWith('/v1/metrics ') && b.includes('agent.shadow.comparisons'))).toBe(true);
    } finally {
      collector.close();
    }
  });
});

/** Connects to host:port; resolves true when the connection is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('exporters bind where they say and stop in bounded time', () => {
  it('the Prometheus exporter listens on loopback by default (127.0.0.2 is refused), on every address when asked', async () => {
    const local = await startAgentSloMetrics({ prometheus: { port: 0 }, setGlobal: false });
    try {
      expect(local.prometheus!.url).toBe(`http://127.0.0.1:${local.prometheus!.port}/metrics`);
      expect(await accepts('127.0.0.1', local.prometheus!.port)).toBe(true);
      // Linux routes all of 127/8 to lo: a wildcard bind would accept 127.0.0.2, a 127.0.0.1 bind refuses it.
      expect(await accepts('127.0.0.2', local.prometheus!.port)).toBe(false);
    } finally {
      await local.shutdown();
    }
    const all = await startAgentSloMetrics({ prometheus: { port: 0, host: '0.0.0.0' }, setGlobal: false });
    try {
      expect(await accepts('127.0.0.2', all.prometheus!.port)).toBe(true);
      expect(all.prometheus!.url).toBe(`http://127.0.0.1:${all.prometheus!.port}/metrics`);
    } finally {
      await all.shutdown();
    }
  });

  it('shutdown with an OTLP endpoint that accepts and never answers returns within the export timeout', async () => {
    const sockets: Socket[] = [];
    const blackhole = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as { port: number }).port;
    try {
      const m = await startAgentSloMetrics({
        prometheus: false,
        setGlobal: false,
        otlp: { url: `http://127.0.0.1:${port}/v1/metrics`, exportIntervalMillis: 3_600_000, timeoutMillis: 1000 },
      });
      m.recorder.recordShadowComparison('mismatch');
      const started = performance.now();
      await m.shutdown();
      const took = performance.now() - started;
      expect(sockets.length).toBeGreaterThan(0); // the export really was attempted
      expect(took).toBeLessThan(1000 + 500);
    } finally {
      for (const s of sockets) s.destroy();
      blackhole.close();
    }
  });
});

describe('AgentSloInstrumentation in NodeSDK (zero-code set-up)', () => {
  it('receives the SDK MeterProvider and turns spans into metrics through its span processor', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const slo = new AgentSloInstrumentation();
    const sdk = new NodeSDK({ instrumentations: [slo], spanProcessors: [slo.spanProcessor], metricReaders: [reader], autoDetectResources: false });
    sdk.start();
    try {
      const tracer = trace.getTracer('some-agent-framework');
      tracer.startSpan('execute_tool search', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } }).end();
      slo.recorder.recordShadowComparison('match');
      await reader.forceFlush();
      const names = exporter
        .getMetrics()
        .flatMap((rm) => rm.scopeMetrics)
        .filter((sm) => sm.scope.name === PACKAGE_NAME)
        .flatMap((sm) => sm.metrics.map((x) => x.descriptor.name));
      expect(new Set(names)).toEqual(new Set(['gen_ai.execute_tool.duration', 'agent.shadow.comparisons']));
      slo.disable();
      expect(slo.getConfig().enabled).toBe(false);
    } finally {
      await sdk.shutdown();
    }
  });
});

describe('an SLO threshold without a bucket boundary: a named error at start-up', () => {
  const thresholds = { 'agent.execution.duration': [30, 60], 'gen_ai.invoke_agent.duration': [8, 10, 15] };

  it('agentSloViews and startAgentSloMetrics throw MissingBucketBoundaryError naming the histogram and the threshold', async () => {
    expect(() => agentSloViews({ buckets: GENERATED_BUCKETS, thresholds })).not.toThrow();
    // The semconv defaults (0.01 s doubling) have no boundary at 30 s.
    let thrown: unknown;
    try {
      agentSloViews({ thresholds });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(MissingBucketBoundaryError);
    expect(thrown).toMatchObject({ name: 'MissingBucketBoundaryError', metric: 'agent.execution.duration', threshold: 30 });
    expect((thrown as Error).message).toMatch(/^agent\.execution\.duration has no bucket boundary at the SLO threshold 30; pass the buckets agent-slo generate writes \(buckets\.json\)/);
    const given = { ...GENERATED_BUCKETS, 'gen_ai.invoke_agent.duration': GENERATED_BUCKETS['gen_ai.invoke_agent.duration'].filter((b) => b !== 10) };
    const before = metrics.getMeterProvider();
    await expect(startAgentSloMetrics({ prometheus: { port: 0, host: '127.0.0.1' }, buckets: given, thresholds })).rejects.toMatchObject({
      name: 'MissingBucketBoundaryError',
      metric: 'gen_ai.invoke_agent.duration',
      threshold: 10,
    });
    // Nothing was started or registered.
    expect(metrics.getMeterProvider()).toBe(before);
  });

  it('the recorder alone never throws into the host: it reports missing_bucket once', () => {
    const recorder = createAgentSloRecorder({ thresholds });
    expect(recorder.reportedProblems()).toEqual(['missing_bucket:agent.execution.duration']);
    expect(createAgentSloRecorder({ buckets: GENERATED_BUCKETS, thresholds }).reportedProblems()).toEqual([]);
  });
});
