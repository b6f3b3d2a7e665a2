/**
 * Prometheus HTTP API client (also for Prometheus-compatible servers: Thanos, VictoriaMetrics, Mimir).
 * undici fetch only; every request has its own timeout; only transient failures are retried; answers that say
 * they are partial are refused; errors never carry credentials.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch, type Dispatcher } from 'undici';
import {
  API_ERROR_TYPES,
  PrometheusApiError,
  type PrometheusApiErrorType,
  PrometheusClientError,
  PrometheusConfigError,
  PrometheusHttpError,
  PrometheusResponseError,
  PrometheusTimeoutError,
  PrometheusTransportError,
  redact,
  type TransportFailure,
} from './errors.js';
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

/** A time: a Date, or seconds since the epoch (not milliseconds). */
export type PromTime = Date | number;

export interface PrometheusClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:9090` or `https://thanos.example/prefix`. */
  url: string;
  /** Per-request timeout, covering the whole answer (default 30 000). */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (default 2). */
  retries?: number;
  /** First retry delay; doubled each time, capped at 5 s (default 250). */
  retryBaseDelayMs?: number;
  bearerToken?: string;
  /** File holding the bearer token; read on every request, so rotation works. */
  bearerTokenFile?: string;
  basicAuth?: { username: string; password: string };
  /** Extra headers (e.g. X-Scope-OrgID). Their values are treated as secrets in error messages. */
  headers?: Record<string, string>;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipVerify?: boolean;
  /**
   * Ask Thanos (`partial_response=false`) and VictoriaMetrics (`deny_partial_response=1`) not to answer partially
   * (default true). Partial answers are refused either way.
   */
  denyPartialResponse?: boolean;
  /** Send the query timeout to the server too (`timeout=` parameter; default true). */
  sendQueryTimeout?: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this request. */
  timeoutMs?: number;
}

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

interface Credentials {
  username?: string;
  password?: string;
}

function parseBaseUrl(raw: string): { base: string; credentials: Credentials } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PrometheusConfigError('url', 'is not a valid URL (expected e.g. http://127.0.0.1:9090)');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new PrometheusConfigError('url', `scheme ${u.protocol} is not supported (use http or https)`);
  }
  const credentials: Credentials = {};
  if (u.username || u.password) {
    credentials.username = decodeURIComponent(u.username);
    credentials.password = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
  }
  u.search = '';
  u.hash = '';
  return { base: u.toString().replace(/\/+$/, ''), credentials };
}

function readOptionFile(field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new PrometheusConfigError(field, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: err,
    });
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

function rootCause(err: unknown): { code?: string; message: string } {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur instanceof Error; i++) {
    const code = (cur as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return { code, message: cur.message };
    if (!(cur.cause instanceof Error)) return { message: cur.message };
    cur = cur.cause;
  }
  return { message: String(cur) };
}

function transportError(err: unknown, endpoint: string, host: string, secrets: Iterable<string>): PrometheusTransportError {
  const { code, message } = rootCause(err);
  let failure: TransportFailure = 'other';
  let reason: string;
  if (code === 'ECONNREFUSED') {
    failure = 'connection-refused';
    reason = `connection refused by ${host} (is Prometheus running and listening there?)`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    failure = 'dns';
    reason = `cannot resolve host ${host} (${code}; check the URL's host name)`;
  } else if ((code && TLS_CODES.has(code)) || /certificate|ssl|tls/i.test(message)) {
    failure = 'tls';
    reason = `TLS handshake with ${host} failed (${code ?? redact(message, secrets)}; check caFile, the server certificate, or use http)`;
  } else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    failure = 'connection-reset';
    reason = `connection to ${host} was closed before an answer (${code})`;
  } else {
    reason = `request to ${host} failed: ${redact(message, secrets)}${code ? ` (${code})` : ''}`;
  }
  return new PrometheusTransportError(failure, code, reason, endpoint, { cause: err });
}

function httpReason(status: number, statusText: string, snippet: string, location: string | null): string {
  const tail = snippet ? `: ${snippet}` : '';
  switch (status) {
    case 401:
      return `authentication failed (401 Unauthorized): check bearerToken/bearerTokenFile or basicAuth${tail}`;
    case 403:
      return `access denied (403 Forbidden): the credentials are not allowed to use this API${tail}`;
    case 404:
      return `not found (404): check that the URL is the server's root, including any path prefix${tail}`;
    case 502:
    case 503:
    case 504:
      return `server or proxy unavailable (${status} ${statusText})${tail}`;
    default:
      if (status >= 300 && status < 400) {
        return `redirected (${status}) to ${location ?? 'an unknown location'}; use the final URL as the client URL`;
      }
      return `unexpected HTTP status ${status} ${statusText}${tail}`;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function notes(body: Record<string, unknown>, endpoint: string): ResponseNotes {
  const list = (key: string): string[] => {
    const v = body[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw new PrometheusResponseError(`"${key}" must be an array of strings`, endpoint);
    }
    return v as string[];
  };
  return { warnings: list('warnings'), infos: list('infos') };
}

function isPartial(obj: Record<string, unknown>): string | undefined {
  for (const key of ['isPartial', 'partial_response', 'partialResponse']) {
    const v = obj[key];
    if (v === true || v === 'true') return key;
  }
  return undefined;
}

export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const { base, credentials } = parseBaseUrl(options.url);
  const host = new URL(base).host;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = Math.max(0, Math.floor(options.retries ?? 2));
  const retryBase = options.retryBaseDelayMs ?? 250;
  const denyPartial = options.denyPartialResponse ?? true;
  const sendQueryTimeout = options.sendQueryTimeout ?? true;

  const basic = options.basicAuth ?? (credentials.username !== undefined ? { username: credentials.username, password: credentials.password ?? '' } : undefined);
  if (basic && (options.bearerToken !== undefined || options.bearerTokenFile !== undefined)) {
    throw new PrometheusConfigError('basicAuth', 'use either basic auth or a bearer token, not both');
  }
  if (options.bearerToken !== undefined && options.bearerTokenFile !== undefined) {
    throw new PrometheusConfigError('bearerToken', 'use either bearerToken or bearerTokenFile, not both');
  }

  const secrets = new Set<string>();
  if (options.bearerToken) secrets.add(options.bearerToken);
  if (basic) {
    secrets.add(basic.password);
    secrets.add(Buffer.from(`${basic.username}:${basic.password}`).toString('base64'));
  }
  for (const v of Object.values(options.headers ?? {})) secrets.add(v);

  const connect: Record<string, unknown> = {};
  if (options.caFile) connect.ca = readOptionFile('caFile', options.caFile);
  if (options.certFile) connect.cert = readOptionFile('certFile', options.certFile);
  if (options.keyFile) connect.key = readOptionFile('keyFile', options.keyFile);
  if (Boolean(options.certFile) !== Boolean(options.keyFile)) {
    throw new PrometheusConfigError(options.certFile ? 'keyFile' : 'certFile', 'certFile and keyFile must be given together');
  }
  if (options.insecureSkipVerify) connect.rejectUnauthorized = false;
  const dispatcher: Dispatcher = new Agent({ connect });

  async function headers(): Promise<Record<string, string>> {
    const h: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
    let token = options.bearerToken;
    if (options.bearerTokenFile !== undefined) {
      try {
        token = (await readFile(options.bearerTokenFile, 'utf8')).trim();
      } catch (err) {
        throw new PrometheusConfigError(
          'bearerTokenFile',
          `cannot read ${options.bearerTokenFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
          { cause: err },
        );
      }
      if (token) secrets.add(token);
    }
    if (token) h.authorization = `Bearer ${token}`;
    if (basic) h.authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
    return h;
  }

  interface RawAnswer {
    status: number;
    statusText: string;
    text: string;
    location: string | null;
  }

  async function once(method: 'GET' | 'POST', path: string, params: URLSearchParams, opts: RequestOptions): Promise<RawAnswer> {
    const endpoint = `${base}${path}`;
    const perRequest = opts.timeoutMs ?? timeoutMs;
    const timeout = AbortSignal.timeout(perRequest);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const h = await headers();
    let url = endpoint;
    let body: string | undefined;
    if (method === 'POST') {
      h['content-type'] = 'application/x-www-form-urlencoded';
      body = params.toString();
    } else if ([...params.keys()].length > 0) {
      url = `${endpoint}?${params.toString()}`;
    }
    try {
      const res = await fetch(url, { method, headers: h, body, signal, dispatcher, redirect: 'manual' });
      const text = await res.text();
      return { status: res.status, statusText: res.statusText, text, location: res.headers.get('location') };
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (timeout.aborted) throw new PrometheusTimeoutError(perRequest, endpoint);
      throw transportError(err, endpoint, host, secrets);
    }
  }

  function snippet(text: string): string {
    const s = redact(text.trim().replace(/\s+/g, ' '), secrets);
    return s.length > 200 ? `${s.slice(0, 200)}…` : s;
  }

  /** Turns an answer into the envelope's `data` (+ notes), or throws the matching typed error. */
  function envelope(answer: RawAnswer, endpoint: string): { data: unknown; notes: ResponseNotes } {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      body = undefined;
    }
    if (isRecord(body) && body.status === 'error') {
      const raw = typeof body.errorType === 'string' ? body.errorType : 'unknown';
      const type: PrometheusApiErrorType = (API_ERROR_TYPES as readonly string[]).includes(raw)
        ? (raw as PrometheusApiErrorType)
        : 'other';
      const text = typeof body.error === 'string' ? redact(body.error, secrets) : '(no error text)';
      throw new PrometheusApiError(type, text, answer.status, endpoint, raw);
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new PrometheusHttpError(
        answer.status,
        httpReason(answer.status, answer.statusText, snippet(answer.text), answer.location),
        endpoint,
      );
    }
    if (body === undefined) {
      throw new PrometheusResponseError(`answer is not valid JSON: ${snippet(answer.text) || '(empty body)'}`, endpoint);
    }
    if (!isRecord(body) || body.status !== 'success') {
      throw new PrometheusResponseError('answer is not a Prometheus API envelope ({"status":"success","data":…})', endpoint);
    }
    const partial = isPartial(body) ?? (isRecord(body.data) ? isPartial(body.data) : undefined);
    if (partial) {
      throw new PrometheusResponseError(
        `the server says its answer is partial (${partial}: true; some stores or nodes did not answer), so it cannot be trusted`,
        endpoint,
      );
    }
    return { data: body.data, notes: notes(body, endpoint) };
  }

  async function withRetries<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof PrometheusClientError) {
          err.attempts = attempt;
          if (err.retryable && attempt <= retries) {
            const delay = Math.min(5_000, retryBase * 2 ** (attempt - 1));
            await sleep(delay * (0.75 + Math.random() * 0.5));
            continue;
          }
        }
        throw err;
      }
    }
  }

  function api<T>(
    method: 'GET' | 'POST',
    path: string,
    params: URLSearchParams,
    opts: RequestOptions,
    parse: (data: unknown, notes: ResponseNotes, endpoint: string) => T,
  ): Promise<T> {
    const endpoint = `${base}${path}`;
    return withRetries(async () => {
      const answer = await once(method, path, params, opts);
      const { data, notes: n } = envelope(answer, endpoint);
      return parse(data, n, endpoint);
    });
  }

  function queryParams(expr: string, opts: RequestOptions): URLSearchParams {
    const p = new URLSearchParams({ query: expr });
    if (sendQueryTimeout) p.set('timeout', String((opts.timeoutMs ?? timeoutMs) / 1000));
    if (denyPartial) {
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
      const answer = await once('GET', '/-/ready', new URLSearchParams(), opts);
      if (answer.status === 200) return true;
      if (answer.status === 503) return false;
      throw new PrometheusHttpError(
        answer.status,
        httpReason(answer.status, answer.statusText, snippet(answer.text), answer.location),
        endpoint,
      );
    },

    async buildinfo(opts = {}) {
      return api('GET', '/api/v1/status/buildinfo', new URLSearchParams(), opts, (data, _n, endpoint) =>
        parseBuildInfo(data, endpoint),
      );
    },

    close() {
      return dispatcher.close();
    },
  };
}
