/**
 * The one Prometheus connection option set (URL, credentials, headers, TLS, timeouts, bounds) and what it opens:
 * a base URL without credentials, a connection pool, the request headers and the set of secrets to redact.
 * Every command that talks to Prometheus builds these options in one place (src/cli/prometheus-options.ts).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent, type Dispatcher } from 'undici';
import { PrometheusConfigError } from './errors.js';
import { SecretSet } from './secrets.js';

export interface PrometheusClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:9090` or `https://thanos.example/prefix`. */
  url: string;
  /** Per-request timeout, covering the whole answer (default 30 000). */
  timeoutMs?: number;
  /**
   * Total time for every request made through this client, counted from its creation (default: none). Each request
   * gets at most what is left; when nothing is left, requests fail with a deadline timeout and are not retried.
   */
  deadlineMs?: number;
  /** Retries after the first attempt for transient failures (default 2). */
  retries?: number;
  /** First retry delay; doubled each time, capped at 5 s (default 250). */
  retryBaseDelayMs?: number;
  /** Largest success body read, in bytes (default 16 MiB); a larger answer is refused, never buffered whole. */
  maxResponseBytes?: number;
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
   * Ask Thanos (`partial_response=false`) and VictoriaMetrics (`deny_partial_response=1`) not to answer partially,
   * and refuse an answer marked partial (default true). False: ask for partial answers and accept them, each marked
   * partial carrying a warning (the gate's explicit `--allow-partial-response`).
   */
  denyPartialResponse?: boolean;
  /** Send the query timeout to the server too (`timeout=` parameter; default true). */
  sendQueryTimeout?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Per answer; the gate runs up to 16 queries at once, so this bounds its buffers to 256 MiB in the worst case. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Bounds on the numeric options (a timer cannot be longer than 2^31-1 ms; a body cap below 1 KiB cannot hold an answer). */
export const OPTION_BOUNDS = {
  timeoutMs: { min: 1, max: 2_147_483_647 },
  deadlineMs: { min: 1, max: 2_147_483_647 },
  retries: { min: 0, max: 10 },
  maxResponseBytes: { min: 1024, max: 2 ** 31 },
} as const;

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Header values: visible ASCII, spaces and tabs (no CR/LF that could split the request). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** An opened connection: everything a request needs, resolved once from the options. */
export interface Connection {
  /** Base URL without credentials, query or trailing slash. */
  readonly base: string;
  /** host[:port], for messages. */
  readonly host: string;
  readonly dispatcher: Dispatcher;
  readonly secrets: SecretSet;
  readonly timeoutMs: number;
  /** Epoch ms after which no request may run (undefined: no deadline). */
  readonly deadlineAt: number | undefined;
  readonly deadlineMs: number | undefined;
  readonly retries: number;
  readonly retryBaseDelayMs: number;
  readonly maxResponseBytes: number;
  readonly denyPartialResponse: boolean;
  readonly sendQueryTimeout: boolean;
  /** Request headers, with the bearer token read from its file now (rotation). */
  headers(): Promise<Record<string, string>>;
}

interface Credentials {
  username?: string;
  password?: string;
}

/** Splits credentials off a base URL; only http and https are accepted. */
export function parseBaseUrl(raw: string): { base: string; credentials: Credentials } {
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
    try {
      credentials.username = decodeURIComponent(u.username);
      credentials.password = decodeURIComponent(u.password);
    } catch {
      throw new PrometheusConfigError('url', 'the user or password part has a bad percent-escape');
    }
    u.username = '';
    u.password = '';
  }
  u.search = '';
  u.hash = '';
  return { base: u.toString().replace(/\/+$/, ''), credentials };
}

/** The URL as it may be printed: credentials, query and fragment removed; `(invalid URL)` when it cannot be parsed. */
export function printableUrl(raw: string): string {
  try {
    return parseBaseUrl(raw).base;
  } catch {
    return '(invalid URL)';
  }
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

function bounded(field: keyof typeof OPTION_BOUNDS, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const { min, max } = OPTION_BOUNDS[field];
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new PrometheusConfigError(field, `${value} is out of range (${min}..${max})`);
  }
  return value;
}

/** Checks the options and opens the connection pool. Throws PrometheusConfigError naming the option at fault. */
export function openConnection(options: PrometheusClientOptions): Connection {
  const { base, credentials } = parseBaseUrl(options.url);
  const timeoutMs = bounded('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const deadlineMs = options.deadlineMs === undefined ? undefined : bounded('deadlineMs', options.deadlineMs, 0);
  const retries = Math.floor(bounded('retries', options.retries, 2));
  const maxResponseBytes = bounded('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES);

  const basic =
    options.basicAuth ??
    (credentials.username !== undefined ? { username: credentials.username, password: credentials.password ?? '' } : undefined);
  if (basic && (options.bearerToken !== undefined || options.bearerTokenFile !== undefined)) {
    throw new PrometheusConfigError('basicAuth', 'use either basic auth or a bearer token, not both');
  }
  if (options.bearerToken !== undefined && options.bearerTokenFile !== undefined) {
    throw new PrometheusConfigError('bearerToken', 'use either bearerToken or bearerTokenFile, not both');
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new PrometheusConfigError('headers', `"${name.slice(0, 64)}" is not a valid header name`);
    if (!HEADER_VALUE.test(value)) throw new PrometheusConfigError('headers', `the value of ${name} has control characters`);
  }

  const secrets = new SecretSet();
  if (options.bearerToken) secrets.add(options.bearerToken);
  if (basic) secrets.addBasicAuth(basic.username, basic.password);
  for (const v of Object.values(options.headers ?? {})) secrets.add(v);

  if (Boolean(options.certFile) !== Boolean(options.keyFile)) {
    throw new PrometheusConfigError(options.certFile ? 'keyFile' : 'certFile', 'certFile and keyFile must be given together');
  }
  const connect: Record<string, unknown> = {};
  if (options.caFile) connect.ca = readOptionFile('caFile', options.caFile);
  if (options.certFile) connect.cert = readOptionFile('certFile', options.certFile);
  if (options.keyFile) connect.key = readOptionFile('keyFile', options.keyFile);
  if (options.insecureSkipVerify) connect.rejectUnauthorized = false;

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

  return {
    base,
    host: new URL(base).host,
    dispatcher: new Agent({ connect }),
    secrets,
    timeoutMs,
    deadlineAt: deadlineMs === undefined ? undefined : Date.now() + deadlineMs,
    deadlineMs,
    retries,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 250,
    maxResponseBytes,
    denyPartialResponse: options.denyPartialResponse ?? true,
    sendQueryTimeout: options.sendQueryTimeout ?? true,
    headers,
  };
}
