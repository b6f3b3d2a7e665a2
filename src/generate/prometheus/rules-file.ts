/** Renders rule groups as a Prometheus rule file (YAML) with the generated-file header and rule comments. */
import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { commentLine } from '../../escape.js';
import { promDuration } from '../../format.js';
import { isAlertingRule, type Rule, type RuleGroup } from './rule-types.js';

/** A rule as the Prometheus rule-file format (and PrometheusRule's spec.groups) writes it. */
export function ruleObject(rule: Rule): Record<string, unknown> {
  if (isAlertingRule(rule)) {
    return { alert: rule.alert, expr: rule.expr, for: promDuration(rule.forSeconds), labels: rule.labels, annotations: rule.annotations };
  }
  return rule.labels === undefined ? { record: rule.record, expr: rule.expr } : { record: rule.record, expr: rule.expr, labels: rule.labels };
}

/** A rule group as the Prometheus rule-file format writes it. */
export function groupObject(g: RuleGroup): Record<string, unknown> {
  return { name: g.name, interval: promDuration(g.intervalSeconds), rules: g.rules.map(ruleObject) };
}

/** `# ` comment lines (the yaml library adds the `#`). */
function commentText(lines: readonly string[]): string {
  return lines.map((l) => ` ${commentLine(l)}`).join('\n');
}

/** The YAML text of a rule file: header lines (without `#`), then `groups:`. */
export function renderRuleFile(header: readonly string[], groups: readonly RuleGroup[]): string {
  const doc = new Document({ groups: groups.map(groupObject) });
  doc.commentBefore = commentText(header);
  const seq = (doc.contents as YAMLMap).get('groups') as YAMLSeq;
  groups.forEach((g, gi) => {
    const groupNode = seq.items[gi];
    if (!isMap(groupNode)) return;
    if (g.comments !== undefined && g.comments.length > 0) groupNode.commentBefore = commentText(g.comments);
    const rules = groupNode.get('rules');
    if (!isSeq(rules)) return;
    g.rules.forEach((r, ri) => {
      const node = rules.items[ri];
      if (r.comment !== undefined && isMap(node)) node.commentBefore = commentText([r.comment]);
    });
  });
  return doc.toString({ lineWidth: 0, indent: 2 });
}
