/** Minimal Prometheus HTTP API reads for the collector / Prometheus 3 integration tests. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

interface ApiAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] };
}

async function api(baseUrl: string, path: string, params: Record<string, string>): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}${path}?${new URLSearchParams(params).toString()}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as ApiAnswer;
  if (body.status !== 'success') throw new Error(`${baseUrl}${path} ${JSON.stringify(params)}: ${body.error ?? res.status}`);
  return body;
}

/** Instant vector query at now. */
export async function instant(baseUrl: string, query: string): Promise<Sample[]> {
  const body = await api(baseUrl, '/api/v1/query', { query });
  return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value?.[1]) }));
}

/** Raw samples of a range selector (`foo[5m]`) at now. */
export async function rawSamples(baseUrl: string, selector: string): Promise<{ metric: Record<string, string>; samples: [number, number][] }[]> {
  const body = await api(baseUrl, '/api/v1/query', { query: selector });
  return (body.data?.result ?? []).map((r) => ({
    metric: r.metric,
    samples: (r.values ?? []).map(([t, v]): [number, number] => [t, Number(v)]),
  }));
}

/** Label names (`__name__` included) of every series matching the selector right now. */
export async function seriesNames(baseUrl: string, match: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/v1/label/__name__/values?${new URLSearchParams({ 'match[]': match }).toString()}`);
  const body = (await res.json()) as { data: string[] };
  return body.data.sort();
}

/** Polls `probe` until it returns a value for which `done` holds; throws with the last value after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await sleep(250);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}${lastError instanceof Error ? `; last error: ${lastError.message}` : ''}`,
  );
}

/** A canonical key for a label set without the given labels (sorted `name="value"` pairs). */
export function labelKey(metric: Record<string, string>, drop: readonly string[] = []): string {
  return Object.entries(metric)
    .filter(([k]) => !drop.includes(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
}

/** Samples as a map from label key (minus `drop`) to value. */
export function byLabels(samples: readonly Sample[], drop: readonly string[] = []): Map<string, number> {
  return new Map(samples.map((s) => [labelKey(s.metric, drop), s.value]));
}
