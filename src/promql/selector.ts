import type { Matcher } from '../conventions.js';
import { escapePromqlString, quotePromqlString } from '../escape.js';

const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label name as PromQL writes it: bare when Prometheus 2 could read it, quoted otherwise (`"error.type"`, Prometheus 3). */
export function renderLabelName(label: string): string {
  return LEGACY_LABEL_NAME.test(label) ? label : quotePromqlString(label);
}

/**
 * `metric{a="b",c!="d"}`; matchers rendered in the given order, `{}` omitted when there are none. A UTF-8 metric
 * name (Prometheus 3) goes inside the braces, quoted: `{"gen_ai.execute_tool.duration_count","error.type"=""}`.
 */
export function renderSelector(metric: string, matchers: readonly Matcher[]): string {
  const rendered = matchers.map((m) => `${renderLabelName(m.label)}${m.op}"${escapePromqlString(m.value)}"`);
  if (!LEGACY_METRIC_NAME.test(metric)) return `{${[quotePromqlString(metric), ...rendered].join(',')}}`;
  return rendered.length === 0 ? metric : `${metric}{${rendered.join(',')}}`;
}

/** Parses `k=v` (also `k!=v`, `k=~re`, `k!~re`) as given on the command line. */
export function parseMatcher(text: string): Matcher | undefined {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)(.*)$/.exec(text);
  if (m === null) return undefined;
  return { label: m[1]!, op: m[2] as Matcher['op'], value: m[3]! };
}

/** The metric name of a selector rendered by renderSelector (`metric{…}` or `{"utf8.name",…}`); undefined otherwise. */
export function selectorMetric(selector: string): string | undefined {
  const legacy = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(selector);
  if (legacy !== null) return legacy[1];
  const quoted = /^\{"((?:[^"\\]|\\.)*)"/.exec(selector);
  return quoted?.[1]?.replace(/\\(.)/g, '$1');
}

/** `selector` narrowed to the series with these label values (an `=` matcher per label; `__name__` is skipped). */
export function narrowSelector(selector: string, labels: Readonly<Record<string, string>>): string {
  const extra = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${renderLabelName(k)}=${quotePromqlString(v)}`);
  if (extra.length === 0) return selector;
  if (!selector.endsWith('}')) return `${selector}{${extra.join(',')}}`;
  return `${selector.slice(0, -1)}${selector.endsWith('{}') ? '' : ','}${extra.join(',')}}`;
}
