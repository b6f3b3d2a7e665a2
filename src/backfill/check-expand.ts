/**
 * Alert expressions for history (pure). The generated alerts read recorded series, which do not exist for the past
 * unless every rule level was backfilled at the rule interval. To evaluate them over any span of raw history, every
 * recorded series an expression reads is replaced by the expression of the rule that records it, with the rule's
 * labels attached (`label_replace`), recursively:
 * - a long-window count `sum_over_time(<component 5m rate>[W]) × 60`, or the hourly roll-up count of a window of 7d
 *   and more, becomes the raw count `increase(...[W])` of the same component (what the gate's raw path evaluates:
 *   exact for counters, not an approximation of the rules);
 * - any other range over a recorded rate becomes a subquery at the rule interval (`(<rate expr>)[W:1m]`);
 * - instant selectors of recorded series (SLI, events, fractions, burn rates, budget, state) become their rules;
 * - a window's gap check on the gap markers (sli/gap-marker.ts) becomes an empty vector: raw history has no markers.
 * `ALERTS{alertname="X"}` cannot be expanded: such alerts (escalations) are derived from X's derived firing spans.
 */
import {
  COMPONENT_FROM,
  LABEL_COMPONENT,
  LABEL_OBJECTIVE,
  LABEL_PROFILE,
  LABEL_ALERTNAME,
  PROM_ALERTS,
  RECORD_COMPONENT_RATE,
  RECORD_COMPONENT_ROLLUP,
  RECORD_PREFIX,
} from '../conventions.js';
import { ROLLUP_PART_LABEL, ROLLUP_SECONDS } from '../sli/recorded.js';
import { objectiveComponents, type ObjectiveComponents, paddedCount } from '../generate/components.js';
import { isAlertingRule, type AlertingRule, recordedSeries, type RecordingRule, type RuleGroup } from '../generate/prometheus/rule-types.js';
import { ruleIntervalSeconds, SHORT_WINDOW_SECONDS } from '../generate/windows.js';
import { escapeRegex } from '../escape.js';
import { promDuration, parseDuration } from '../format.js';
import type { Profile } from '../profile/model.js';

export class ExpandError extends Error {
  override readonly name = 'ExpandError';
}

/** A component's count over `w` from raw series, padded like the rules pad it (pure). */
function rawCount(c: ObjectiveComponents, name: string, w: number): string {
  if (!c.components.some((x) => x.name === name)) throw new ExpandError(`objective ${c.objective.name} has no component ${name}`);
  return paddedCount(c, name, w);
}

function withLabels(expr: string, labels: Readonly<Record<string, string>>): string {
  let out = `(${expr})`;
  for (const [k, v] of Object.entries(labels)) out = `label_replace(${out}, ${JSON.stringify(k)}, ${JSON.stringify(v)}, "", "")`;
  return out;
}

function parseMatchers(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|=)\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.set(m[1]!, m[3]!.replace(/\\(.)/g, '$1'));
  return out;
}

export interface Expander {
  /** The expression with every recorded series replaced by raw PromQL; throws ExpandError if one is unknown. */
  expand(expr: string): string;
  /** Alert names an expression reads through ALERTS (escalations). */
  alertsRead(expr: string): string[];
}

/** Builds the expander for one profile's generated rules. */
export function createExpander(profile: Profile, groups: readonly RuleGroup[]): Expander {
  const components = new Map<string, ObjectiveComponents>(profile.objectives.map((o) => [o.name, objectiveComponents(profile, o)]));
  const recording: RecordingRule[] = groups.flatMap((g) => recordedSeries(g.rules));
  const recordNames = [...new Set(recording.map((r) => r.record))].filter((n) => n !== RECORD_COMPONENT_RATE).sort((a, b) => b.length - a.length);

  const comp = (labels: Map<string, string>): { c: ObjectiveComponents; name: string } => {
    const objective = labels.get(LABEL_OBJECTIVE);
    const name = labels.get(LABEL_COMPONENT);
    const c = objective === undefined ? undefined : components.get(objective);
    if (c === undefined || name === undefined) throw new ExpandError(`cannot expand a component rate without ${LABEL_OBJECTIVE} and ${LABEL_COMPONENT}`);
    return { c, name };
  };
  const objLabels = (c: ObjectiveComponents): Record<string, string> => ({ [LABEL_PROFILE]: c.profile, [LABEL_OBJECTIVE]: c.objective.name });

  const rate = escapeRegex(RECORD_COMPONENT_RATE);
  // The roll-up count of windows of 7d and more (sli/recorded.ts rollupCountExpr): hours [W − 1h − 1s] + the last hour.
  const rollupCount = new RegExp(
    `\\(sum without \\(${LABEL_COMPONENT}, ${ROLLUP_PART_LABEL}\\) \\(label_replace\\(sum_over_time\\(${escapeRegex(RECORD_COMPONENT_ROLLUP)}\\{([^}]*)\\}\\[([0-9a-z]+)\\]\\), "${ROLLUP_PART_LABEL}", "hours", "", ""\\) or sum_over_time\\(${rate}\\{[^}]*\\}\\[[0-9a-z]+\\]\\) \\* [0-9]+\\)\\)`,
    'g',
  );
  // The long-window count countAt() writes.
  const longCount = new RegExp(
    `\\(sum without \\(${LABEL_COMPONENT}\\) \\(sum_over_time\\(${rate}\\{([^}]*)\\}\\[([0-9a-z]+)\\]\\)\\) \\* [0-9]+\\)`,
    'g',
  );
  // The short-window count the rules read from the rate recorded in the same evaluation (recording.ts ruleCount).
  const shortCount = new RegExp(`\\(sum without \\(${LABEL_COMPONENT}\\) \\(${rate}\\{([^}]*)\\}\\) \\* [0-9]+\\)`, 'g');
  const rateRange = new RegExp(`${rate}\\{([^}]*)\\}\\[([0-9a-z]+)\\]`, 'g');
  // A window's gap check (sli/gap-marker.ts windowUnknowable): raw history has no gap markers, so never unknowable.
  const unknowable = new RegExp(`\\(min_over_time\\(${rate}\\{[^}]*${LABEL_COMPONENT}="${escapeRegex(COMPONENT_FROM)}"[^}]*\\}\\[[0-9a-z]+\\]\\) < time\\(\\) - [0-9]+\\)`, 'g');
  const instant = recordNames.length === 0 ? undefined : new RegExp(`(${recordNames.map(escapeRegex).join('|')})\\{([^}]*)\\}(?!\\[)`, 'g');

  const step = (expr: string): string => {
    let out = expr.replace(unknowable, '(vector(1) < 0)');
    out = out.replace(rollupCount, (_m, sel: string, win: string) => {
      const { c, name } = comp(parseMatchers(sel));
      const hours = parseDuration(win);
      if (hours === undefined) throw new ExpandError(`bad window ${win}`);
      return withLabels(rawCount(c, name, hours + 1 + ROLLUP_SECONDS), objLabels(c));
    });
    out = out.replace(longCount, (_m, sel: string, win: string) => {
      const { c, name } = comp(parseMatchers(sel));
      const w = parseDuration(win);
      if (w === undefined) throw new ExpandError(`bad window ${win}`);
      return withLabels(rawCount(c, name, w), objLabels(c));
    });
    out = out.replace(shortCount, (_m, sel: string) => {
      const { c, name } = comp(parseMatchers(sel));
      return withLabels(rawCount(c, name, SHORT_WINDOW_SECONDS), objLabels(c));
    });
    out = out.replace(rateRange, (_m, sel: string, win: string) => {
      const { c, name } = comp(parseMatchers(sel));
      const rateExpr = `${rawCount(c, name, SHORT_WINDOW_SECONDS)} / ${String(SHORT_WINDOW_SECONDS)}`;
      return `${withLabels(rateExpr, { ...objLabels(c), [LABEL_COMPONENT]: name })}[${win}:${promDuration(ruleIntervalSeconds(c.objective))}]`;
    });
    if (instant !== undefined) {
      out = out.replace(instant, (_m, record: string, sel: string) => {
        const want = parseMatchers(sel);
        const rules = recording.filter((r) => r.record === record && [...want].every(([k, v]) => r.labels?.[k] === v));
        if (rules.length === 0) throw new ExpandError(`no recording rule records ${record}{${sel}}`);
        const parts = rules.map((r) => withLabels(r.expr, r.labels ?? {}));
        return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
      });
    }
    return out;
  };

  return {
    expand(expr) {
      let out = expr;
      for (let i = 0; i < 10; i++) {
        const next = step(out);
        if (next === out) break;
        out = next;
      }
      if (new RegExp(`${escapeRegex(RECORD_PREFIX)}:`).test(out.replace(/"[^"]*"/g, '""'))) {
        throw new ExpandError(`recorded series left after expansion: ${out.slice(0, 200)}`);
      }
      return out;
    },
    alertsRead(expr) {
      const names = new Set<string>();
      const re = new RegExp(`${PROM_ALERTS}\\{([^}]*)\\}`, 'g');
      for (let m = re.exec(expr); m !== null; m = re.exec(expr)) {
        const n = parseMatchers(m[1]!).get(LABEL_ALERTNAME);
        if (n !== undefined) names.add(n);
      }
      return [...names];
    },
  };
}

/** The alerting rules of the groups, in order. */
export function alertingRules(groups: readonly RuleGroup[]): AlertingRule[] {
  return groups.flatMap((g) => g.rules.filter(isAlertingRule));
}
