/**
 * The API envelope: `{"status":"success","data":…,"warnings":[…],"infos":[…]}` or `{"status":"error",…}`.
 * Turns a raw answer into `data` and notes, or into the matching typed error. Every piece of server text kept
 * (error text, body snippets, warnings, infos) is admitted through the connection's SecretSet: redacted, bounded.
 */
import {
  API_ERROR_TYPES,
  PrometheusApiError,
  type PrometheusApiErrorType,
  PrometheusHttpError,
  PrometheusResponseError,
} from './errors.js';
import type { ResponseNotes } from './results.js';
import type { SecretSet } from './secrets.js';
import type { RawAnswer } from './transport.js';

/** Bounds on server text kept in errors and notes (characters; a 50 MB error body becomes one short line). */
export const TEXT_LIMITS = { snippet: 200, error: 1000, note: 500, notes: 20 } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A body quoted in a message: whitespace collapsed, redacted, at most TEXT_LIMITS.snippet characters. */
export function snippet(text: string, secrets: SecretSet): string {
  const safe = secrets.admit(text, TEXT_LIMITS.snippet * 4).trim().replace(/\s+/g, ' ');
  return safe.length > TEXT_LIMITS.snippet ? `${safe.slice(0, TEXT_LIMITS.snippet)}…` : safe;
}

export function httpReason(answer: RawAnswer, secrets: SecretSet): string {
  const { status, statusText, location } = answer;
  const body = snippet(answer.text, secrets);
  const tail = body ? `: ${body}` : '';
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

function notes(body: Record<string, unknown>, endpoint: string, secrets: SecretSet): ResponseNotes {
  const list = (key: string): string[] => {
    const v = body[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw new PrometheusResponseError(`"${key}" must be an array of strings`, endpoint);
    }
    const kept = (v as string[]).slice(0, TEXT_LIMITS.notes).map((x) => secrets.admit(x, TEXT_LIMITS.note));
    if (v.length > TEXT_LIMITS.notes) kept.push(`… and ${v.length - TEXT_LIMITS.notes} more`);
    return kept;
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

/** Turns an answer into the envelope's `data` (+ notes), or throws the matching typed error. */
export function openEnvelope(answer: RawAnswer, endpoint: string, secrets: SecretSet, acceptPartial = false): { data: unknown; notes: ResponseNotes } {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  if (isRecord(body) && body.status === 'error') {
    const raw = typeof body.errorType === 'string' ? secrets.admit(body.errorType, 64) : 'unknown';
    const type: PrometheusApiErrorType = (API_ERROR_TYPES as readonly string[]).includes(raw)
      ? (raw as PrometheusApiErrorType)
      : 'other';
    const text = typeof body.error === 'string' ? secrets.admit(body.error, TEXT_LIMITS.error) : '(no error text)';
    throw new PrometheusApiError(type, text, answer.status, endpoint, raw);
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new PrometheusHttpError(answer.status, httpReason(answer, secrets), endpoint);
  }
  if (body === undefined) {
    throw new PrometheusResponseError(`answer is not valid JSON: ${snippet(answer.text, secrets) || '(empty body)'}`, endpoint);
  }
  if (!isRecord(body) || body.status !== 'success') {
    throw new PrometheusResponseError('answer is not a Prometheus API envelope ({"status":"success","data":…})', endpoint);
  }
  const partial = isPartial(body) ?? (isRecord(body.data) ? isPartial(body.data) : undefined);
  if (partial && !acceptPartial) {
    throw new PrometheusResponseError(
      `the server says its answer is partial (${partial}: true; some stores or nodes did not answer), so it cannot be trusted`,
      endpoint,
    );
  }
  const n = notes(body, endpoint, secrets);
  // Accepted only when partial answers were asked for: it stays visible as a warning.
  if (partial) return { data: body.data, notes: { ...n, warnings: [`the server says its answer is partial (${partial}: true)`, ...n.warnings] } };
  return { data: body.data, notes: n };
}
