/**
 * The Prometheus connection flags, defined once and used by every command that talks to Prometheus (gate, serve,
 * review, backfill check): URL, credentials (env or files, never argv), headers, TLS, timeouts, body cap, deadline.
 * Per-command defaults differ only in values (a gate has a total deadline by default; serve answers faster).
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { DEFAULT_MAX_RESPONSE_BYTES, OPTION_BOUNDS, parseBaseUrl, type PrometheusClientOptions } from '../prometheus/connection.js';
import { PrometheusConfigError } from '../prometheus/errors.js';
import { parseDuration } from '../format.js';
import { CliError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { describeErrno } from '../errno.js';

export const ENV_PROMETHEUS_URL = 'AGENT_SLO_PROMETHEUS_URL';
export const ENV_BEARER_TOKEN = 'AGENT_SLO_PROMETHEUS_BEARER_TOKEN';
export const ENV_BASIC_PASSWORD = 'AGENT_SLO_PROMETHEUS_PASSWORD';
export const DEFAULT_PROMETHEUS_URL = 'http://127.0.0.1:9090';

/** Values of the connection flags as commander parses them. */
export interface PrometheusFlags {
  prometheusUrl?: string;
  timeout: string;
  deadline?: string;
  retries: string;
  maxResponseSize: string;
  bearerTokenFile?: string;
  basicAuthUser?: string;
  basicAuthPasswordFile?: string;
  header: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipVerify?: boolean;
}

/** What differs between commands. */
export interface PrometheusDefaults {
  /** Used when neither the flag nor the env var is set; undefined: the URL is required. */
  readonly url?: string;
  readonly timeout: string;
  /** Total time for the command's requests; undefined: none unless --deadline is given. */
  readonly deadline?: string;
  readonly retries: string;
  /** Retry backoff base (ms); not a flag. */
  readonly retryBaseDelayMs?: number;
}

export const GATE_PROMETHEUS: PrometheusDefaults = { timeout: '30s', deadline: '30s', retries: '2' };
export const SERVE_PROMETHEUS: PrometheusDefaults = { url: DEFAULT_PROMETHEUS_URL, timeout: '15s', retries: '1', retryBaseDelayMs: 100 };
export const REVIEW_PROMETHEUS: PrometheusDefaults = { url: DEFAULT_PROMETHEUS_URL, timeout: '60s', retries: '2' };
export const BACKFILL_CHECK_PROMETHEUS: PrometheusDefaults = { timeout: '5m', retries: '2' };

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Adds the connection flags to `c` with this command's defaults. */
export function addPrometheusOptions(c: Command, d: PrometheusDefaults): Command {
  const url = d.url === undefined ? `env ${ENV_PROMETHEUS_URL}; required` : `env ${ENV_PROMETHEUS_URL}; default ${d.url}`;
  return c
    .option('--prometheus-url <url>', `Prometheus (or compatible) base URL; user:password@ in it is basic auth (${url})`)
    .option('--timeout <duration>', 'per-request timeout', d.timeout)
    .option(
      '--deadline <duration>',
      d.deadline === undefined ? 'total time for all requests (default: none)' : 'total time for all requests; an unresponsive server fails within it',
      d.deadline,
    )
    .option('--retries <n>', 'retries for transient failures (0..10)', d.retries)
    .option('--max-response-size <bytes>', 'largest Prometheus answer read (bytes, or with KiB/MiB/GiB)', `${DEFAULT_MAX_RESPONSE_BYTES / 1024 / 1024}MiB`)
    .option('--bearer-token-file <file>', `bearer token file, re-read on every request (or env ${ENV_BEARER_TOKEN})`)
    .option('--basic-auth-user <user>', `basic auth user; password from env ${ENV_BASIC_PASSWORD} or --basic-auth-password-file`)
    .option('--basic-auth-password-file <file>', 'basic auth password file')
    .option('--header <header>', 'extra request header "Name: value" (e.g. "X-Scope-OrgID: team-a"); repeatable', collect, [])
    .option('--ca-file <file>', 'CA bundle to verify the server certificate')
    .option('--cert-file <file>', 'client certificate (mutual TLS)')
    .option('--key-file <file>', 'client key (mutual TLS)')
    .addOption(new Option('--insecure-skip-verify', 'do not verify the server certificate (testing only)'));
}

function readSecretFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new CliError(`${flag}: cannot read ${file}: ${describeErrno((err as NodeJS.ErrnoException).code ?? 'EIO')}`, EXIT.noInput);
  }
}

/** A duration flag in milliseconds, within the bounds a timer can hold. */
function durationMs(flag: string, text: string, bounds: { min: number; max: number }): number {
  const seconds = parseDuration(text);
  if (seconds === undefined) throw new UsageError(`${flag} "${text}" is not a duration like 30s or 5m`);
  const ms = Math.round(seconds * 1000);
  if (ms < bounds.min || ms > bounds.max) {
    throw new UsageError(`${flag} ${text} is out of range: use 1ms to 24d`);
  }
  return ms;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1000, mb: 1000 ** 2, gb: 1000 ** 3 };

/** "65536", "64MiB", "10MB" → bytes. */
export function parseSize(flag: string, text: string, bounds: { min: number; max: number }): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  if (m === null || unit === undefined) throw new UsageError(`${flag} "${text}" is not a size like 65536, 512KiB or 64MiB`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < bounds.min || bytes > bounds.max) throw new UsageError(`${flag} ${text} is out of range: use 1KiB to 2GiB`);
  return bytes;
}

/** "Name: value" headers; names must be HTTP tokens, values free of control characters. */
function parseHeaders(texts: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of texts) {
    const i = h.indexOf(':');
    const name = i > 0 ? h.slice(0, i).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new UsageError(`--header "${(i > 0 ? name : h.split(':')[0] ?? '').slice(0, 64)}…" must be "Name: value" with a valid header name`);
    }
    const value = h.slice(i + 1).trim();
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) throw new UsageError(`--header ${name}: the value has control characters`);
    headers[name] = value;
  }
  return headers;
}

/** Client options from the flags and the environment. Secrets come only from env or files, never from arguments. */
export function prometheusClientOptions(opts: PrometheusFlags, d: PrometheusDefaults): PrometheusClientOptions {
  const env = process.env[ENV_PROMETHEUS_URL];
  const url = opts.prometheusUrl ?? (env !== undefined && env !== '' ? env : d.url);
  if (url === undefined || url === '') throw new UsageError(`--prometheus-url is required (or set ${ENV_PROMETHEUS_URL})`);
  try {
    parseBaseUrl(url);
  } catch (err) {
    if (err instanceof PrometheusConfigError) throw new UsageError(`--prometheus-url ${err.reason.replace(/^url: /, '')}`);
    throw err;
  }
  const retries = Number(opts.retries);
  if (!/^\d+$/.test(opts.retries) || retries > OPTION_BOUNDS.retries.max) throw new UsageError(`--retries "${opts.retries}" must be an integer 0..10`);
  const out: PrometheusClientOptions = {
    url,
    timeoutMs: durationMs('--timeout', opts.timeout, OPTION_BOUNDS.timeoutMs),
    retries,
    maxResponseBytes: parseSize('--max-response-size', opts.maxResponseSize, OPTION_BOUNDS.maxResponseBytes),
  };
  if (opts.deadline !== undefined) out.deadlineMs = durationMs('--deadline', opts.deadline, OPTION_BOUNDS.deadlineMs);
  if (d.retryBaseDelayMs !== undefined) out.retryBaseDelayMs = d.retryBaseDelayMs;
  const headers = parseHeaders(opts.header);
  if (Object.keys(headers).length > 0) out.headers = headers;
  const envToken = process.env[ENV_BEARER_TOKEN];
  if (opts.bearerTokenFile !== undefined) out.bearerTokenFile = opts.bearerTokenFile;
  else if (envToken !== undefined && envToken !== '') out.bearerToken = envToken;
  if (opts.basicAuthUser !== undefined) {
    const password =
      opts.basicAuthPasswordFile !== undefined ? readSecretFile('--basic-auth-password-file', opts.basicAuthPasswordFile) : process.env[ENV_BASIC_PASSWORD];
    if (password === undefined) throw new UsageError(`--basic-auth-user needs a password in ${ENV_BASIC_PASSWORD} or --basic-auth-password-file`);
    out.basicAuth = { username: opts.basicAuthUser, password };
  }
  if (opts.caFile !== undefined) out.caFile = opts.caFile;
  if (opts.certFile !== undefined) out.certFile = opts.certFile;
  if (opts.keyFile !== undefined) out.keyFile = opts.keyFile;
  if (opts.insecureSkipVerify === true) out.insecureSkipVerify = true;
  return out;
}
