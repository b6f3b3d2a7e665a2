import type { Matcher } from '../conventions.js';
import { escapePromqlString } from '../escape.js';

/** `metric{a="b",c!="d"}`; matchers rendered in the given order, `{}` omitted when there are none. */
export function renderSelector(metric: string, matchers: readonly Matcher[]): string {
  if (matchers.length === 0) return metric;
  return `${metric}{${matchers.map((m) => `${m.label}${m.op}"${escapePromqlString(m.value)}"`).join(',')}}`;
}

/** Parses `k=v` (also `k!=v`, `k=~re`, `k!~re`) as given on the command line. */
export function parseMatcher(text: string): Matcher | undefined {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)(.*)$/.exec(text);
  if (m === null) return undefined;
  return { label: m[1]!, op: m[2] as Matcher['op'], value: m[3]! };
}
