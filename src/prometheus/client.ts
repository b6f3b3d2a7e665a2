/**
 * Prometheus HTTP API client (also for Prometheus-compatible servers: Thanos, VictoriaMetrics, Mimir): the API
 * calls. The pieces live beside it: connection.ts (options, credentials, TLS), transport.ts (one request, size cap,
 * transport errors), envelope.ts (the API envelope, server text admitted), retry.ts (transient failures).
 * Every request has its own timeout and the run's deadline; only transient failures are retried; answers that say
 * they are partial are refused; errors never carry credentials.
 */
import { type Connection, openConnection, type PrometheusClientOptions } from './connection.js';
import { openEnvelope, httpReason } from './envelope.js';
import { PrometheusHttpError, PrometheusResponseError } from './errors.js';
import {
  type BuildInfo,
  type Labels,
  type MatrixResponse,
  parseBuildInfo,
  parseQueryData,
  parseSeriesList,
  parseStringList,
  type QueryResponse,
  type ResponseNotes,
} from './results.js';
import { withRetries } from './retry.js';
import { type RequestOptions, send } from './transport.js';

export type { PrometheusClientOptions } from './connection.js';
export type { RequestOptions } from './transport.js';

/** A time: a Date, or seconds since the epoch (not milliseconds). */
export type PromTime = Date | number;

export interface LabelValuesOptions extends RequestOptions {
  match?: string[];
  start?: PromTime;
  end?: PromTime;
}

export interface PrometheusClient {
  /** Base URL without credentials or trailing slash. */
  readonly url: string;
  /** POST /api/v1/query. `time` defaults to the server's now. */
  instantQuery(expr: string, time?: PromTime, opts?: RequestOptions): Promise<QueryResponse>;
  /** POST /api/v1/query_range; `step` in seconds or a duration like "5m". */
  rangeQuery(expr: string, start: PromTime, end: PromTime, step: number | string, opts?: RequestOptions): Promise<MatrixResponse>;
  /** POST /api/v1/series: label sets of series matching any selector. */
  series(match: string[], start?: PromTime, end?: PromTime, opts?: RequestOptions): Promise<Labels[]>;
  /** GET /api/v1/label/<name>/values. */
  labelValues(label: string, opts?: LabelValuesOptions): Promise<string[]>;
  /** GET /-/ready: true on 200, false on 503 (starting up); throws on other answers and transport errors. */
  ready(opts?: RequestOptions): Promise<boolean>;
  /** GET /api/v1/status/buildinfo. */
  buildinfo(opts?: RequestOptions): Promise<BuildInfo>;
  /**
   * Server data (label values, series names) made safe to put in a report or log: redacted through this
   * connection's credentials and cut to `maxChars` (secrets.ts SecretSet.admit).
   */
  admit(text: string, maxChars: number): string;
  /** Releases the connection pool. */
  close(): Promise<void>;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** Formats a time for the API (seconds with millisecond precision). */
export function formatPromTime(t: PromTime): string {
  const seconds = t instanceof Date ? t.getTime() / 1000 : t;
  if (!Number.isFinite(seconds)) throw new RangeError(`time ${String(t)} is not a finite number of seconds`);
  if (!(t instanceof Date) && seconds > 1e11) {
    throw new RangeError(`time ${seconds} looks like milliseconds; pass seconds or a Date`);
  }
  return String(Math.round(seconds * 1000) / 1000);
}

function formatStep(step: number | string): string {
  if (typeof step === 'number') {
    if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`step must be > 0 seconds, got ${step}`);
    return String(step);
  }
  if (!DURATION.test(step)) throw new RangeError(`step "${step}" is not a duration like 30s or 5m`);
  return step;
}

export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const conn: Connection = openConnection(options);
  const base = conn.base;

  function api<T>(
    method: 'GET' | 'POST',
    path: string,
    params: URLSearchParams,
    opts: RequestOptions,
    parse: (data: unknown, notes: ResponseNotes, endpoint: string) => T,
  ): Promise<T> {
    const endpoint = `${base}${path}`;
    return withRetries(conn, async () => {
      const answer = await send(conn, method, path, params, opts);
      const { data, notes } = openEnvelope(answer, endpoint, conn.secrets, !conn.denyPartialResponse);
      try {
        return parse(data, notes, endpoint);
      } catch (err) {
        // Parser messages quote the server's data (labels, values): admitted like any other server text.
        if (err instanceof PrometheusResponseError) throw new PrometheusResponseError(conn.secrets.admit(err.reason, 500), endpoint);
        throw err;
      }
    });
  }

  function queryParams(expr: string, opts: RequestOptions): URLSearchParams {
    const p = new URLSearchParams({ query: expr });
    if (conn.sendQueryTimeout) p.set('timeout', String((opts.timeoutMs ?? conn.timeoutMs) / 1000));
    if (conn.denyPartialResponse) {
      p.set('partial_response', 'false');
      p.set('deny_partial_response', '1');
    }
    return p;
  }

  return {
    url: base,

    async instantQuery(expr, time, opts = {}) {
      const p = queryParams(expr, opts);
      if (time !== undefined) p.set('time', formatPromTime(time));
      return api('POST', '/api/v1/query', p, opts, (data, n, endpoint) => ({ ...parseQueryData(data, endpoint), ...n }));
    },

    async rangeQuery(expr, start, end, step, opts = {}) {
      const p = queryParams(expr, opts);
      p.set('start', formatPromTime(start));
      p.set('end', formatPromTime(end));
      p.set('step', formatStep(step));
      return api('POST', '/api/v1/query_range', p, opts, (data, n, endpoint) => {
        const parsed = parseQueryData(data, endpoint);
        if (parsed.resultType !== 'matrix') {
          throw new PrometheusResponseError(`range query answered resultType ${parsed.resultType}, expected matrix`, endpoint);
        }
        return { ...parsed, ...n };
      });
    },

    async series(match, start, end, opts = {}) {
      if (match.length === 0) throw new RangeError('series() needs at least one match[] selector');
      const p = new URLSearchParams();
      for (const m of match) p.append('match[]', m);
      if (start !== undefined) p.set('start', formatPromTime(start));
      if (end !== undefined) p.set('end', formatPromTime(end));
      return api('POST', '/api/v1/series', p, opts, (data, _n, endpoint) => parseSeriesList(data, endpoint));
    },

    async labelValues(label, opts = {}) {
      if (!LABEL_NAME.test(label)) throw new RangeError(`"${label}" is not a valid label name`);
      const p = new URLSearchParams();
      for (const m of opts.match ?? []) p.append('match[]', m);
      if (opts.start !== undefined) p.set('start', formatPromTime(opts.start));
      if (opts.end !== undefined) p.set('end', formatPromTime(opts.end));
      return api('GET', `/api/v1/label/${label}/values`, p, opts, (data, _n, endpoint) =>
        parseStringList(data, 'label values', endpoint),
      );
    },

    async ready(opts = {}) {
      const endpoint = `${base}/-/ready`;
      const answer = await send(conn, 'GET', '/-/ready', new URLSearchParams(), opts);
      if (answer.status === 200) return true;
      if (answer.status === 503) return false;
      throw new PrometheusHttpError(answer.status, httpReason(answer, conn.secrets), endpoint);
    },

    async buildinfo(opts = {}) {
      return api('GET', '/api/v1/status/buildinfo', new URLSearchParams(), opts, (data, _n, endpoint) =>
        parseBuildInfo(data, endpoint),
      );
    },

    admit(text, maxChars) {
      return conn.secrets.admit(text, maxChars);
    },

    close() {
      return conn.dispatcher.close();
    },
  };
}
