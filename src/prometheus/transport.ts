/**
 * One HTTP exchange with the server: the request under its timeout and the run's deadline, the body read up to
 * the size cap, and transport failures (refused, DNS, TLS, reset) classified. Nothing here interprets the body.
 */
import { fetch } from 'undici';
import type { Connection } from './connection.js';
import { PrometheusResponseError, PrometheusTimeoutError, PrometheusTransportError, type TransportFailure } from './errors.js';

/** What the server said, unparsed. `location` is already admitted (redacted and bounded). */
export interface RawAnswer {
  status: number;
  statusText: string;
  text: string;
  location: string | null;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this request. */
  timeoutMs?: number;
}

/** Longest Location header or exception message kept. */
const MAX_NOTE_CHARS = 500;

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

function transportError(err: unknown, endpoint: string, conn: Connection): PrometheusTransportError {
  const { code, message: raw } = rootCause(err);
  const message = conn.secrets.admit(raw, MAX_NOTE_CHARS);
  const host = conn.host;
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
    reason = `TLS handshake with ${host} failed (${code ?? message}; check caFile, the server certificate, or use http)`;
  } else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    failure = 'connection-reset';
    reason = `connection to ${host} was closed before an answer (${code})`;
  } else {
    reason = `request to ${host} failed: ${message}${code ? ` (${code})` : ''}`;
  }
  return new PrometheusTransportError(failure, code, reason, endpoint, { cause: err });
}

/** Thrown inside the body reader when the cap is passed (turned into a PrometheusResponseError). */
class TooLarge extends Error {}

/**
 * Most bytes read of an answer that is not a success (2xx): enough for any real error envelope; the rest of a
 * larger one is dropped unread (only its beginning can reach a message anyway).
 */
export const ERROR_BODY_BYTES = 64 * 1024;

/**
 * Reads a body as UTF-8 up to `cap` bytes; the rest is never buffered. Past the cap: `refuse` throws, otherwise the
 * first `cap` bytes are kept and the reading stops.
 */
async function readCapped(body: AsyncIterable<Uint8Array> | null, cap: number, refuse: boolean): Promise<string> {
  if (body === null) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.byteLength > cap) {
      if (refuse) throw new TooLarge();
      chunks.push(Buffer.from(chunk).subarray(0, cap - size));
      size = cap;
      break;
    }
    size += chunk.byteLength;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** Milliseconds left before the connection's deadline (Infinity without one). */
export function remainingMs(conn: Connection): number {
  return conn.deadlineAt === undefined ? Infinity : conn.deadlineAt - Date.now();
}

/** One request, no retries. `params` go in the body for POST and in the query string for GET. */
export async function send(
  conn: Connection,
  method: 'GET' | 'POST',
  path: string,
  params: URLSearchParams,
  opts: RequestOptions,
): Promise<RawAnswer> {
  const endpoint = `${conn.base}${path}`;
  const perRequest = opts.timeoutMs ?? conn.timeoutMs;
  const left = remainingMs(conn);
  if (left <= 0) throw new PrometheusTimeoutError(conn.deadlineMs ?? 0, endpoint, 'deadline');
  const byDeadline = left < perRequest;
  const limit = Math.max(1, Math.min(perRequest, left));
  const timeout = AbortSignal.timeout(limit);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const h = await conn.headers();
  let url = endpoint;
  let body: string | undefined;
  if (method === 'POST') {
    h['content-type'] = 'application/x-www-form-urlencoded';
    body = params.toString();
  } else if ([...params.keys()].length > 0) {
    url = `${endpoint}?${params.toString()}`;
  }
  try {
    const res = await fetch(url, { method, headers: h, body, signal, dispatcher: conn.dispatcher, redirect: 'manual' });
    const success = res.status >= 200 && res.status < 300;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (success && declared > conn.maxResponseBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    const text = await readCapped(res.body, success ? conn.maxResponseBytes : ERROR_BODY_BYTES, success);
    const location = res.headers.get('location');
    return {
      status: res.status,
      statusText: conn.secrets.admit(res.statusText, MAX_NOTE_CHARS),
      text,
      location: location === null ? null : conn.secrets.admit(location, MAX_NOTE_CHARS),
    };
  } catch (err) {
    if (err instanceof TooLarge) {
      throw new PrometheusResponseError(
        `answer larger than ${conn.maxResponseBytes} bytes, refused unread (narrow the query, or raise the response size cap)`,
        endpoint,
      );
    }
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (timeout.aborted) {
      throw byDeadline ? new PrometheusTimeoutError(conn.deadlineMs ?? 0, endpoint, 'deadline') : new PrometheusTimeoutError(perRequest, endpoint);
    }
    throw transportError(err, endpoint, conn);
  }
}
