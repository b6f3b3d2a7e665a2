/** Prometheus rule shapes as the generators build them (pure data; rules-file.ts renders them to YAML). */

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Rendered as a YAML comment above the rule. */
  readonly comment?: string;
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
