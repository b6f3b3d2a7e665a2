/** Prometheus rule shapes as the generators build them (pure data; rules-file.ts renders them to YAML). */
import { escapeRegex } from '../../escape.js';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Rendered as a YAML comment above the rule. */
  readonly comment?: string;
  /**
   * When one rule records several series (every window or component of an objective, joined by `or`): each series'
   * own labels and expression. Not rendered; readers that need one series' expression use recordedSeries().
   */
  readonly parts?: readonly { readonly labels: Readonly<Record<string, string>>; readonly expr: string }[];
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** Seconds; rendered as a Prometheus duration. */
  readonly forSeconds: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly comment?: string;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
  /** Evaluation interval in seconds. */
  readonly intervalSeconds: number;
  /** Comment lines rendered above the group (e.g. burn-rate alerts left out because they can never fire). */
  readonly comments?: readonly string[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

/** The recording rules of `rules`, a rule recording several series split into one rule per series (its parts). */
export function recordedSeries(rules: readonly Rule[]): RecordingRule[] {
  return rules.flatMap((r) => {
    if (isAlertingRule(r)) return [];
    if (r.parts === undefined) return [r];
    return r.parts.map((p) => ({ record: r.record, expr: p.expr, labels: { ...r.labels, ...p.labels } }));
  });
}

/**
 * The names among `records` that an expression in `exprs` reads over a range (`name[…]` or `name{…}[…]`): recorded
 * series whose history later evaluations need, not only their latest sample.
 */
export function readOverRange(records: Iterable<string>, exprs: readonly string[]): Set<string> {
  return new Set(
    [...records].filter((n) => {
      const re = new RegExp(`(?<![A-Za-z0-9_:])${escapeRegex(n)}(\\{[^}]*\\})?\\s*\\[`);
      return exprs.some((e) => re.test(e));
    }),
  );
}
