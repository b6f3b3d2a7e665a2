/**
 * Pure OpenMetrics text writer for `promtool tsdb create-blocks-from openmetrics`.
 *
 * Facts about promtool 2.42 this writer respects: timestamps are SECONDS (milliseconds are accepted and land in
 * the future); each series must be sorted by time (out-of-order samples are dropped silently); the text must
 * end with `# EOF`; `# UNIT` must be a suffix of the family name, so this writer never emits UNIT.
 * UTF-8 metric and label names (Prometheus 3 naming, e.g. `gen_ai.execute_tool.duration`) are written quoted
 * (`{"gen_ai.execute_tool.duration_count","error.type"="x"} 3 1700000000`), which only promtool 3 reads.
 */
import { escapeExpositionLabelValue, escapeOpenMetricsHelp } from '../escape.js';
import { promValue } from '../format.js';

/** [timestampSeconds, value] */
export type Sample = readonly [timestampSeconds: number, value: number];

export type Labels = Readonly<Record<string, string>>;

export interface SeriesSamples {
  labels: Labels;
  samples: readonly Sample[];
}

export interface HistogramPoint {
  timestampSeconds: number;
  /** Cumulative bucket counts by upper bound; a `+Inf` bucket is added (= count) when missing. */
  buckets: readonly (readonly [le: number, cumulativeCount: number])[];
  count: number;
  sum: number;
}

export interface HistogramSeries {
  labels: Labels;
  points: readonly HistogramPoint[];
}

interface FamilyBase {
  /** For counters, with or without the `_total` suffix: samples are written as `<name>_total` either way. */
  name: string;
  help?: string;
}

export interface CounterFamily extends FamilyBase {
  type: 'counter';
  series: readonly SeriesSamples[];
}

export interface GaugeFamily extends FamilyBase {
  type: 'gauge';
  series: readonly SeriesSamples[];
}

export interface HistogramFamily extends FamilyBase {
  type: 'histogram';
  series: readonly HistogramSeries[];
}

export type MetricFamily = CounterFamily | GaugeFamily | HistogramFamily;

/** Invalid input for the writer; `family` and `labels` say where. */
export class OpenMetricsError extends Error {
  override readonly name = 'OpenMetricsError';
  constructor(
    readonly reason: string,
    readonly family?: string,
    readonly labels?: Labels,
  ) {
    super(
      family === undefined
        ? reason
        : `OpenMetrics family ${family}${labels ? ` series ${formatLabels(labels)}` : ''}: ${reason}`,
    );
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A UTF-8 name (Prometheus 3): anything printable; quotes, backslashes and line breaks are escaped when written. */
const UTF8_NAME = /^[^\p{Cc}]+$/u;

/** The names a writer accepts: legacy, or UTF-8 (Prometheus 3). */
interface Names {
  readonly metric: RegExp;
  readonly label: RegExp;
  readonly utf8: boolean;
}

/** A metric or label name as written: bare when legacy-valid, quoted otherwise. */
function writtenName(name: string, legacy: RegExp): string {
  return legacy.test(name) ? name : `"${escapeExpositionLabelValue(name)}"`;
}

/** `name{labels}`, or `{"name",labels}` for a UTF-8 name. */
function sampleSeries(name: string, labels: string): string {
  if (METRIC_NAME.test(name)) return `${name}${labels}`;
  const quoted = writtenName(name, METRIC_NAME);
  return labels === '' ? `{${quoted}}` : `{${quoted},${labels.slice(1)}`;
}

function formatTimestamp(ts: number): string {
  // Milliseconds precision is what the TSDB stores; avoid printing float noise like 1700000000.1230001.
  const rounded = Math.round(ts * 1000) / 1000;
  return String(rounded);
}

function formatLabels(labels: Labels, extra?: readonly [string, string]): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${writtenName(k, LABEL_NAME)}="${escapeExpositionLabelValue(labels[k] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeExpositionLabelValue(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function checkLabels(family: string, labels: Labels, reserved: readonly string[], names: Names): void {
  for (const name of Object.keys(labels)) {
    if (!names.label.test(name)) throw new OpenMetricsError(`invalid label name "${name}"${names.utf8 ? '' : ' (UTF-8 names only for Prometheus 3: utf8Names)'}`, family, labels);
    if (name.startsWith('__')) throw new OpenMetricsError(`label name "${name}" is reserved (starts with __)`, family, labels);
    if (reserved.includes(name)) throw new OpenMetricsError(`label "${name}" is reserved for this type`, family, labels);
  }
}

function checkTimestamp(family: string, labels: Labels, ts: number): void {
  if (!Number.isFinite(ts)) throw new OpenMetricsError(`timestamp ${ts} is not a finite number`, family, labels);
  if (ts < 0) throw new OpenMetricsError(`timestamp ${ts} is negative`, family, labels);
  if (ts > 1e11) {
    throw new OpenMetricsError(
      `timestamp ${ts} looks like milliseconds; OpenMetrics timestamps are seconds (divide by 1000)`,
      family,
      labels,
    );
  }
}

function sortedByTime<T>(family: string, labels: Labels, items: readonly T[], ts: (item: T) => number): T[] {
  const sorted = [...items].sort((a, b) => ts(a) - ts(b));
  for (let i = 0; i < sorted.length; i++) {
    const t = ts(sorted[i] as T);
    checkTimestamp(family, labels, t);
    if (i > 0 && ts(sorted[i - 1] as T) === t) {
      throw new OpenMetricsError(`duplicate timestamp ${t}`, family, labels);
    }
  }
  return sorted;
}

function seriesKey(labels: Labels): string {
  return formatLabels(labels);
}

function familyName(family: MetricFamily): string {
  return family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
}

function writeFamily(family: MetricFamily, out: string[], names: Names): void {
  const name = familyName(family);
  if (!names.metric.test(name)) throw new OpenMetricsError(`invalid metric name "${family.name}"${names.utf8 ? '' : ' (UTF-8 names only for Prometheus 3: utf8Names)'}`, family.name);
  if (family.type === 'histogram' && /_(bucket|count|sum)$/.test(name)) {
    throw new OpenMetricsError('histogram family name must not end in _bucket, _count or _sum', family.name);
  }
  out.push(`# TYPE ${writtenName(name, METRIC_NAME)} ${family.type}`);
  if (family.help !== undefined) out.push(`# HELP ${writtenName(name, METRIC_NAME)} ${escapeOpenMetricsHelp(family.help)}`);

  const seen = new Set<string>();
  const checkUnique = (labels: Labels): void => {
    const key = seriesKey(labels);
    if (seen.has(key)) throw new OpenMetricsError('the same label set appears twice', name, labels);
    seen.add(key);
  };

  if (family.type === 'histogram') {
    for (const series of family.series) {
      checkLabels(name, series.labels, ['le'], names);
      checkUnique(series.labels);
      for (const p of sortedByTime(name, series.labels, series.points, (x) => x.timestampSeconds)) {
        const ts = formatTimestamp(p.timestampSeconds);
        const buckets = [...p.buckets].sort((a, b) => a[0] - b[0]);
        if (buckets.length === 0 || buckets[buckets.length - 1]?.[0] !== Infinity) buckets.push([Infinity, p.count]);
        let previous = 0;
        for (const [le, c] of buckets) {
          if (Number.isNaN(le)) throw new OpenMetricsError('bucket bound le is NaN', name, series.labels);
          if (!(c >= previous)) {
            throw new OpenMetricsError(`bucket counts must be cumulative (le=${promValue(le)} at ${ts})`, name, series.labels);
          }
          previous = c;
          out.push(`${sampleSeries(`${name}_bucket`, formatLabels(series.labels, ['le', promValue(le)]))} ${promValue(c)} ${ts}`);
        }
        if (previous !== p.count) {
          throw new OpenMetricsError(`+Inf bucket (${previous}) must equal count (${p.count}) at ${ts}`, name, series.labels);
        }
        out.push(`${sampleSeries(`${name}_count`, formatLabels(series.labels))} ${promValue(p.count)} ${ts}`);
        out.push(`${sampleSeries(`${name}_sum`, formatLabels(series.labels))} ${promValue(p.sum)} ${ts}`);
      }
    }
    return;
  }

  const sampleName = family.type === 'counter' ? `${name}_total` : name;
  for (const series of family.series) {
    checkLabels(name, series.labels, [], names);
    checkUnique(series.labels);
    const prefix = `${sampleSeries(sampleName, formatLabels(series.labels))} `;
    for (const [ts, value] of sortedByTime(name, series.labels, series.samples, (s) => s[0])) {
      if (family.type === 'counter' && !(value >= 0)) {
        throw new OpenMetricsError(`counter value ${promValue(value)} at ${ts} must be >= 0`, name, series.labels);
      }
      out.push(`${prefix}${promValue(value)} ${formatTimestamp(ts)}`);
    }
  }
}

/**
 * Renders families as OpenMetrics text ending in `# EOF\n`. Throws OpenMetricsError on invalid input. Names must be
 * legacy Prometheus names unless `utf8Names` (Prometheus 3: written quoted, read only by promtool 3).
 */
export function writeOpenMetrics(families: readonly MetricFamily[], opts: { readonly utf8Names?: boolean } = {}): string {
  const accepted: Names = opts.utf8Names === true ? { metric: UTF8_NAME, label: UTF8_NAME, utf8: true } : { metric: METRIC_NAME, label: LABEL_NAME, utf8: false };
  const out: string[] = [];
  const names = new Set<string>();
  for (const family of families) {
    const name = familyName(family);
    if (names.has(name)) throw new OpenMetricsError('family appears twice; merge its series into one family', name);
    names.add(name);
    writeFamily(family, out, accepted);
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
