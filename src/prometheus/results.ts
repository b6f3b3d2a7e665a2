/** Result types of the Prometheus HTTP API and their pure parsers (JSON `data` → typed values). */
import { PrometheusResponseError } from './errors.js';
import { parseSampleValue, parseTimestamp, quoteShort } from './values.js';

export type Labels = Record<string, string>;

export interface InstantSample {
  labels: Labels;
  /** Seconds since the epoch. */
  timestamp: number;
  value: number;
}

export interface Point {
  timestamp: number;
  value: number;
}

export interface RangeSeries {
  labels: Labels;
  samples: Point[];
}

export type ResultType = 'vector' | 'scalar' | 'matrix' | 'string';

export type QueryData =
  | { resultType: 'vector'; result: InstantSample[] }
  | { resultType: 'scalar'; result: Point }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'string'; result: { timestamp: number; value: string } };

export interface ResponseNotes {
  /** Warnings returned by the server (e.g. "PromQL info: …", partial data from a federated source). */
  warnings: string[];
  /** Infos returned by the server (Prometheus ≥ 2.45). */
  infos: string[];
}

export type QueryResponse = QueryData & ResponseNotes;

export type MatrixResponse = { resultType: 'matrix'; result: RangeSeries[] } & ResponseNotes;

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(what: string, endpoint: string): never {
  throw new PrometheusResponseError(what, endpoint);
}

export function parseLabels(raw: unknown, endpoint: string): Labels {
  if (!isObject(raw)) fail('series labels ("metric") must be an object', endpoint);
  const out: Labels = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') fail(`label ${k.length <= 100 ? k : quoteShort(k)} must be a string`, endpoint);
    out[k] = v;
  }
  return out;
}

function parsePair(raw: unknown, endpoint: string): Point {
  if (!Array.isArray(raw) || raw.length !== 2) fail('sample must be a [timestamp, "value"] pair', endpoint);
  return { timestamp: parseTimestamp(raw[0], endpoint), value: parseSampleValue(raw[1], endpoint) };
}

function parseSeriesItem(raw: unknown, endpoint: string): Record<string, unknown> {
  if (!isObject(raw)) fail('result items must be objects', endpoint);
  if ('histogram' in raw || 'histograms' in raw) {
    fail('native histogram samples are not supported; query classic _bucket series instead', endpoint);
  }
  return raw;
}

/** Parses `data` of /api/v1/query or /api/v1/query_range. */
export function parseQueryData(data: unknown, endpoint: string): QueryData {
  if (!isObject(data)) fail('"data" must be an object', endpoint);
  const { resultType, result } = data;
  switch (resultType) {
    case 'vector':
      if (!Array.isArray(result)) fail('vector result must be an array', endpoint);
      return {
        resultType,
        result: result.map((item) => {
          const s = parseSeriesItem(item, endpoint);
          const p = parsePair(s.value, endpoint);
          return { labels: parseLabels(s.metric ?? {}, endpoint), timestamp: p.timestamp, value: p.value };
        }),
      };
    case 'matrix':
      if (!Array.isArray(result)) fail('matrix result must be an array', endpoint);
      return {
        resultType,
        result: result.map((item) => {
          const s = parseSeriesItem(item, endpoint);
          if (!Array.isArray(s.values)) fail('matrix series must have a "values" array', endpoint);
          return {
            labels: parseLabels(s.metric ?? {}, endpoint),
            samples: s.values.map((v) => parsePair(v, endpoint)),
          };
        }),
      };
    case 'scalar':
      return { resultType, result: parsePair(result, endpoint) };
    case 'string': {
      if (!Array.isArray(result) || result.length !== 2 || typeof result[1] !== 'string') {
        fail('string result must be a [timestamp, "text"] pair', endpoint);
      }
      return { resultType, result: { timestamp: parseTimestamp(result[0], endpoint), value: result[1] } };
    }
    default:
      fail(`unknown resultType ${quoteShort(resultType)}`, endpoint);
  }
}

/** Narrows a query response to a vector; PrometheusResponseError naming the actual type otherwise. */
export function expectVector(res: QueryResponse, endpoint = ''): InstantSample[] {
  if (res.resultType !== 'vector') fail(`expected resultType vector, got ${res.resultType}`, endpoint);
  return res.result;
}

/** The value of a scalar result, or of a vector with exactly one sample; PrometheusResponseError otherwise. */
export function expectSingleValue(res: QueryResponse, endpoint = ''): number {
  if (res.resultType === 'scalar') return res.result.value;
  if (res.resultType === 'vector') {
    if (res.result.length !== 1) fail(`expected one sample, got ${res.result.length}`, endpoint);
    return (res.result[0] as InstantSample).value;
  }
  fail(`expected resultType scalar or vector, got ${res.resultType}`, endpoint);
}

export function parseStringList(data: unknown, what: string, endpoint: string): string[] {
  if (!Array.isArray(data) || data.some((v) => typeof v !== 'string')) fail(`${what} must be an array of strings`, endpoint);
  return data as string[];
}

export function parseSeriesList(data: unknown, endpoint: string): Labels[] {
  if (!Array.isArray(data)) fail('series data must be an array', endpoint);
  return data.map((d) => parseLabels(d, endpoint));
}

export function parseBuildInfo(data: unknown, endpoint: string): BuildInfo {
  if (!isObject(data) || typeof data.version !== 'string') fail('buildinfo must have a "version" string', endpoint);
  const str = (k: string): string => (typeof data[k] === 'string' ? data[k] : '');
  return {
    version: data.version,
    revision: str('revision'),
    branch: str('branch'),
    buildUser: str('buildUser'),
    buildDate: str('buildDate'),
    goVersion: str('goVersion'),
  };
}
