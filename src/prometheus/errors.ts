/**
 * Typed errors of the Prometheus HTTP API client. Every error has a `reason` meant for a user, and an `endpoint`
 * (scheme, host, path; never credentials or a query string). Nothing in a message, a property or `toJSON()`
 * contains a bearer token, password or Authorization header: server-provided text is let in only through
 * `SecretSet.admit` (secrets.ts), which redacts and bounds it.
 */

export type PrometheusErrorKind = 'http' | 'api' | 'transport' | 'timeout' | 'response' | 'config';

export abstract class PrometheusClientError extends Error {
  abstract readonly kind: PrometheusErrorKind;
  /** True for failures worth retrying (connection refused, 502/503/504, errorType unavailable/timeout). */
  abstract readonly retryable: boolean;
  /** Attempts made before giving up (1 when not retried). */
  attempts = 1;

  constructor(
    /** What went wrong and what to check, for a user. */
    readonly reason: string,
    /** `scheme://host[:port]/path` of the request, without credentials or query string. */
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(endpoint ? `${endpoint}: ${reason}` : reason, options);
  }

  /** Only the safe, documented fields (no cause chain). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      kind: this.kind,
      reason: this.reason,
      endpoint: this.endpoint,
      retryable: this.retryable,
      attempts: this.attempts,
    };
    for (const key of ['status', 'errorType', 'error', 'code', 'field', 'timeoutMs', 'scope'] as const) {
      const value = (this as Record<string, unknown>)[key];
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
}

/** The server answered with an HTTP status that is not a Prometheus API answer (401, 403, 404, 5xx from a proxy…). */
export class PrometheusHttpError extends PrometheusClientError {
  override readonly name = 'PrometheusHttpError';
  readonly kind = 'http';
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    reason: string,
    endpoint: string,
  ) {
    super(reason, endpoint);
    this.retryable = status === 502 || status === 503 || status === 504;
  }
}

export const API_ERROR_TYPES = ['bad_data', 'execution', 'timeout', 'canceled', 'unavailable', 'internal'] as const;
export type PrometheusApiErrorType = (typeof API_ERROR_TYPES)[number] | 'other';

/** The API answered `status: "error"`. `errorType` is one of Prometheus' types, or 'other' (see `rawErrorType`). */
export class PrometheusApiError extends PrometheusClientError {
  override readonly name = 'PrometheusApiError';
  readonly kind = 'api';
  readonly retryable: boolean;
  constructor(
    readonly errorType: PrometheusApiErrorType,
    /** The server's error text (redacted). */
    readonly error: string,
    /** HTTP status of the answer (400 bad_data, 422 execution, 503 timeout/unavailable…). */
    readonly status: number,
    endpoint: string,
    readonly rawErrorType: string = errorType,
  ) {
    super(`${apiErrorHint(errorType)} (${rawErrorType}): ${error}`, endpoint);
    this.retryable = errorType === 'unavailable' || errorType === 'timeout';
  }
}

function apiErrorHint(type: PrometheusApiErrorType): string {
  switch (type) {
    case 'bad_data':
      return 'the request was rejected (invalid query or parameters)';
    case 'execution':
      return 'the query failed while executing';
    case 'timeout':
      return 'the query timed out on the server';
    case 'canceled':
      return 'the query was canceled on the server';
    case 'unavailable':
      return 'the server is unavailable';
    case 'internal':
      return 'the server reported an internal error';
    default:
      return 'the server reported an error';
  }
}

export type TransportFailure = 'connection-refused' | 'dns' | 'tls' | 'connection-reset' | 'other';

/** No HTTP answer at all: connection refused, DNS failure, TLS failure, connection reset. The cause is kept. */
export class PrometheusTransportError extends PrometheusClientError {
  override readonly name = 'PrometheusTransportError';
  readonly kind = 'transport';
  readonly retryable: boolean;
  constructor(
    readonly failure: TransportFailure,
    /** System/TLS error code such as ECONNREFUSED, ENOTFOUND, SELF_SIGNED_CERT_IN_CHAIN. */
    readonly code: string | undefined,
    reason: string,
    endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(reason, endpoint, options);
    this.retryable = failure === 'connection-refused' || failure === 'connection-reset' || code === 'EAI_AGAIN';
  }
}

/**
 * No complete answer in time: within the per-request timeout (`scope: 'request'`), or before the client's total
 * deadline for the whole run passed (`scope: 'deadline'`).
 */
export class PrometheusTimeoutError extends PrometheusClientError {
  override readonly name = 'PrometheusTimeoutError';
  readonly kind = 'timeout';
  readonly retryable = false;
  constructor(
    readonly timeoutMs: number,
    endpoint: string,
    readonly scope: 'request' | 'deadline' = 'request',
  ) {
    super(
      scope === 'deadline'
        ? `the total deadline of ${timeoutMs} ms for this run passed before an answer (raise the deadline, or check the server's load)`
        : `no complete answer within ${timeoutMs} ms (raise timeoutMs, or check the server's load)`,
      endpoint,
    );
  }
}

/** An answer that cannot be trusted: malformed JSON, unexpected shape or resultType, unparsable value, partial response. */
export class PrometheusResponseError extends PrometheusClientError {
  override readonly name = 'PrometheusResponseError';
  readonly kind = 'response';
  readonly retryable = false;
}

/** Client options that cannot be used (unreadable CA/cert/key/token file, bad URL, header name or bound). */
export class PrometheusConfigError extends PrometheusClientError {
  override readonly name = 'PrometheusConfigError';
  readonly kind = 'config';
  readonly retryable = false;
  constructor(
    /** The option at fault, e.g. "caFile". */
    readonly field: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${reason}`, '', options);
  }
}
