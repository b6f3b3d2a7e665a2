/**
 * `@agent-slo/instrumentation/sdk`: one call that starts metrics export. Needs the optional peer dependencies
 * `@opentelemetry/sdk-metrics`, `@opentelemetry/resources`, and `@opentelemetry/exporter-prometheus` and/or
 * `@opentelemetry/exporter-metrics-otlp-http` / `-grpc` (imported only when configured).
 */
import { metrics, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { createServer } from 'node:http';
import { missingBucketBoundary } from './buckets.js';
import { resolveBuckets } from './instruments.js';
import { Recorder } from './recorder.js';
import type { AgentSloRecorder, AgentSloRecorderOptions } from './types.js';
import { PACKAGE_NAME } from './version.js';

/** Prometheus pull exporter settings. */
export interface PrometheusExportOptions {
  /** 0 picks a free port (read it from the result). @default 9464 */
  port?: number;
  /**
   * Address to listen on. Loopback by default, so the metrics are not exposed to the network unless asked:
   * write `'0.0.0.0'` (or `'::'`) when Prometheus scrapes from another host or container.
   * @default '127.0.0.1'
   */
  host?: string;
  /** @default '/metrics' */
  endpoint?: string;
}

/** Where the Prometheus pull exporter listens unless told otherwise. */
export const DEFAULT_PROMETHEUS_HOST = '127.0.0.1';
/** Longest one OTLP export, and `shutdown()`, may take unless told otherwise. */
export const DEFAULT_EXPORT_TIMEOUT_MILLIS = 5000;

/** OTLP push exporter settings. */
export interface OtlpExportOptions {
  /** @default 'http/json' */
  protocol?: 'http/json' | 'grpc';
  /** @default the exporter's default (`http://localhost:4318/v1/metrics`, gRPC `http://localhost:4317`) */
  url?: string;
  headers?: Record<string, string>;
  /** @default 60000 */
  exportIntervalMillis?: number;
  /**
   * Longest one export may take; also bounds `shutdown()` (its final flush and the exporter's shutdown together),
   * so an unreachable endpoint cannot hold the host's exit. At most `exportIntervalMillis`.
   * @default 5000
   */
  timeoutMillis?: number;
}

/** Options of {@link startAgentSloMetrics}. */
export interface AgentSloSdkOptions extends Omit<AgentSloRecorderOptions, 'meterProvider'> {
  /** `service.name` of the resource. @default process.env.OTEL_SERVICE_NAME ?? 'unknown_service:node' */
  serviceName?: string;
  /** More resource attributes (service.version, deployment.environment.name, …). @default {} */
  resourceAttributes?: Attributes;
  /** Prometheus pull exporter; `false` turns it off. @default { port: 9464 } */
  prometheus?: PrometheusExportOptions | false;
  /** OTLP push to a collector; off unless given. @default false */
  otlp?: OtlpExportOptions | false;
  /** Series per instrument kept by the SDK (the overflow goes to `otel.metric.overflow`). @default 2000 */
  cardinalityLimit?: number;
  /** Register the provider as the global MeterProvider (and unregister it on shutdown). @default true */
  setGlobal?: boolean;
  /** Extra views, applied after the package's own. @default [] */
  views?: ViewOptions[];
}

/** What {@link startAgentSloMetrics} started. */
export interface AgentSloMetrics {
  readonly meterProvider: MeterProvider;
  readonly recorder: AgentSloRecorder;
  /** Where Prometheus can scrape, when the pull exporter runs. */
  readonly prometheus?: { readonly url: string; readonly port: number };
  forceFlush(): Promise<void>;
  /** Flushes pending data, stops exporters and the HTTP server, unregisters the global provider. Idempotent. */
  shutdown(): Promise<void>;
}

/** Start-up failed: names the part and the fix. */
export class AgentSloSetupError extends Error {
  override readonly name = 'AgentSloSetupError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Views that carry the generated bucket boundaries (applied to every meter's instrument of that name, so e.g.
 * instrumentation-openai's `gen_ai.client.operation.duration` gets the same `le` set) and the cardinality limit.
 */
export function agentSloViews(options: Pick<AgentSloSdkOptions, 'buckets' | 'thresholds' | 'cardinalityLimit'> = {}): ViewOptions[] {
  const limit = options.cardinalityLimit ?? 2000;
  const buckets = resolveBuckets(options.buckets);
  const missing = missingBucketBoundary(buckets, options.thresholds);
  if (missing !== undefined) throw missing;
  const views: ViewOptions[] = Object.entries(buckets).map(([name, boundaries]) => ({
    instrumentName: name,
    instrumentType: InstrumentType.HISTOGRAM,
    aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries } },
    aggregationCardinalityLimit: limit,
  }));
  views.push(
    { meterName: PACKAGE_NAME, instrumentName: '*', instrumentType: InstrumentType.COUNTER, aggregationCardinalityLimit: limit },
    {
      meterName: PACKAGE_NAME,
      instrumentName: 'gen_ai.client.token.usage',
      instrumentType: InstrumentType.HISTOGRAM,
      aggregationCardinalityLimit: limit,
    },
  );
  return views;
}

/**
 * Starts metrics export: a MeterProvider with the resource, the views and the readers asked for, and a recorder
 * bound to it. Rejects with {@link AgentSloSetupError} (after cleaning up) when an exporter cannot start, and with
 * MissingBucketBoundaryError (before starting anything) when a `thresholds` value is not a bucket boundary.
 */
export async function startAgentSloMetrics(options: AgentSloSdkOptions = {}): Promise<AgentSloMetrics> {
  const missing = missingBucketBoundary(resolveBuckets(options.buckets), options.thresholds);
  if (missing !== undefined) throw missing;
  const readers: IMetricReader[] = [];
  let shutdownTimeoutMillis = DEFAULT_EXPORT_TIMEOUT_MILLIS;
  let prometheus: { url: string; port: number } | undefined;
  const promOptions = options.prometheus === undefined ? {} : options.prometheus;
  const closers: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(readers.map((r) => r.shutdown()));
    await Promise.allSettled(closers.map((c) => c()));
  };

  try {
    if (promOptions !== false) {
      const { PrometheusExporter } = await importPeer(
        () => import('@opentelemetry/exporter-prometheus'),
        '@opentelemetry/exporter-prometheus',
      );
      const endpoint = (promOptions.endpoint ?? '/metrics').replace(/^([^/])/, '/$1');
      // The exporter treats port 0 as "unset" (9464), so it never starts its own server: this one serves the
      // exporter's handler and listens where asked, port 0 included.
      const exporter = new PrometheusExporter({ endpoint, preventServerStart: true });
      readers.push(exporter);
      const server = createServer((req, res) => {
        if (new URL(req.url ?? '/', 'http://localhost').pathname === endpoint) exporter.getMetricsRequestHandler(req, res);
        else res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found; metrics are at ${endpoint}\n`);
      });
      server.unref();
      const wanted = promOptions.port ?? 9464;
      const listenHost = promOptions.host ?? DEFAULT_PROMETHEUS_HOST;
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port: wanted, host: listenHost }, () => resolve());
        });
      } catch (err) {
        throw new AgentSloSetupError(
          `Prometheus exporter could not listen on ${listenHost}:${wanted}: ${String(err)}; set prometheus.port to a free port (0 picks one)`,
          { cause: err },
        );
      }
      closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : wanted;
      // The URL names the address bound; for a wildcard bind, the loopback address of the same family reaches it.
      const host = listenHost === '0.0.0.0' ? '127.0.0.1' : listenHost === '::' ? '::1' : listenHost;
      prometheus = { port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${endpoint}` };
    }
    if (options.otlp !== undefined && options.otlp !== false) {
      const o = options.otlp;
      const interval = o.exportIntervalMillis ?? 60_000;
      // The reader needs timeout <= interval.
      shutdownTimeoutMillis = Math.min(o.timeoutMillis ?? DEFAULT_EXPORT_TIMEOUT_MILLIS, interval);
      const config = { url: o.url, headers: o.headers, timeoutMillis: shutdownTimeoutMillis };
      const exporter =
        o.protocol === 'grpc'
          ? new (
              await importPeer(() => import('@opentelemetry/exporter-metrics-otlp-grpc'), '@opentelemetry/exporter-metrics-otlp-grpc')
            ).OTLPMetricExporter({ url: o.url, timeoutMillis: shutdownTimeoutMillis })
          : new (
              await importPeer(() => import('@opentelemetry/exporter-metrics-otlp-http'), '@opentelemetry/exporter-metrics-otlp-http')
            ).OTLPMetricExporter(config);
      readers.push(
        new PeriodicExportingMetricReader({
          exporter,
          exportIntervalMillis: interval,
          exportTimeoutMillis: shutdownTimeoutMillis,
        }),
      );
    }
  } catch (err) {
    await stopAll();
    throw err instanceof AgentSloSetupError ? err : new AgentSloSetupError(String(err), { cause: err });
  }

  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName ?? process.env['OTEL_SERVICE_NAME'] ?? 'unknown_service:node',
      ...options.resourceAttributes,
    }),
    views: [...agentSloViews(options), ...(options.views ?? [])],
    readers,
  });
  const registered = (options.setGlobal ?? true) && metrics.setGlobalMeterProvider(meterProvider);
  const recorder = new Recorder({ ...options, meterProvider });

  let stopped: Promise<void> | undefined;
  return {
    meterProvider,
    recorder,
    ...(prometheus === undefined ? {} : { prometheus }),
    forceFlush: () => meterProvider.forceFlush(),
    shutdown: () => {
      stopped ??= (async () => {
        if (registered && metrics.getMeterProvider() === meterProvider) metrics.disable();
        // Flush and exporter shutdown share one deadline: an unreachable endpoint costs at most the export timeout.
        const flushAndStop = (async () => {
          await meterProvider.forceFlush().catch(() => undefined);
          await meterProvider.shutdown().catch(() => undefined);
        })();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, shutdownTimeoutMillis);
          timer.unref();
        });
        await Promise.race([flushAndStop, deadline]);
        clearTimeout(timer);
        await Promise.allSettled(closers.map((c) => c()));
      })();
      return stopped;
    },
  };
}

async function importPeer<T>(load: () => Promise<T>, name: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw new AgentSloSetupError(`${name} is not installed; it is an optional peer dependency: npm install ${name}`, {
      cause: err,
    });
  }
}
