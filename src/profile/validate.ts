/**
 * Semantic checks on a mapped profile: threshold order per direction, windows, units, PromQL, routing. Returns
 * every problem, each with the field path it concerns and what to write instead.
 */
import { minPrometheusVersion } from '../conventions.js';
import { promDuration } from '../format.js';
import { MAX_CONSECUTIVE_WARNINGS, WINDOW_RANGE } from './limits.js';
import { type EventSelector, type Objective, type Profile, UNMAPPED_EVENTS, UNMAPPED_SLI } from './model.js';
import type { PathIssue } from './path-issue.js';
import { checkUserPromql, usesQuotedNames } from './promql-check.js';

type Path = readonly (string | number)[];

function eventSelectors(o: Objective): { selector: EventSelector; path: Path }[] {
  const out: { selector: EventSelector; path: Path }[] = [];
  const s = o.sli;
  switch (s.kind) {
    case 'ratio':
      out.push({ selector: s.events, path: ['sli', 'ratio', s.numerator] }, { selector: s.total, path: ['sli', 'ratio', 'total'] });
      break;
    case 'perEvent':
      out.push({ selector: s.value, path: ['sli', 'perEvent', 'value'] }, { selector: s.events, path: ['sli', 'perEvent', 'events'] });
      break;
    case 'zeroTolerance':
      out.push({ selector: s.events, path: ['sli', 'zeroTolerance', 'events'] });
      if (s.population !== undefined) out.push({ selector: s.population, path: ['sli', 'zeroTolerance', 'population'] });
      break;
    default:
      break;
  }
  if (o.escalation?.kind === 'condition') out.push({ selector: o.escalation.events, path: ['escalation', 'when', 'events'] });
  return out;
}

function describeOrder(o: Objective): string {
  return o.direction === 'higher_is_better' ? 'critical < warning <= target' : 'target <= warning < critical';
}

function checkThresholds(o: Objective, at: Path, issues: PathIssue[]): void {
  const higher = o.direction === 'higher_is_better';
  const better = (a: number, b: number): boolean => (higher ? a > b : a < b);
  const c = o.critical.value;
  if (better(c, o.target)) {
    issues.push({
      path: [...at, 'critical', 'threshold'],
      message: `critical threshold ${c} is better than the target ${o.target} for ${o.direction}`,
      hint: `with ${o.direction} the order is ${describeOrder(o)}; write a critical threshold ${higher ? 'below' : 'above'} ${o.target}`,
    });
  }
  if (o.warning !== undefined) {
    const w = o.warning.value;
    if (better(w, o.target)) {
      issues.push({
        path: [...at, 'warning', 'threshold'],
        message: `warning threshold ${w} is better than the target ${o.target} for ${o.direction}`,
        hint: `with ${o.direction} the order is ${describeOrder(o)}`,
      });
    }
    if (!better(w, c)) {
      issues.push({
        path: [...at, 'warning', 'threshold'],
        message: `warning threshold ${w} does not lie between the target ${o.target} and the critical threshold ${c}`,
        hint: `with ${o.direction} the order is ${describeOrder(o)}; write a warning ${higher ? 'above' : 'below'} ${c}`,
      });
    }
  }
  if (o.unit === 'ratio') {
    const values: [Path, number][] = [
      [[...at, 'target'], o.target],
      [[...at, 'critical', 'threshold'], c],
    ];
    if (o.warning !== undefined) values.push([[...at, 'warning', 'threshold'], o.warning.value]);
    for (const [path, v] of values) {
      if (v < 0 || v > 1) issues.push({ path, message: `${v} is not a ratio`, hint: 'write a ratio between 0 and 1, e.g. 0.995 for 99.5%' });
    }
  }
}

function checkSli(o: Objective, at: Path, issues: PathIssue[], prometheusVersion: number): void {
  const s = o.sli;
  // An SLI the mapper could not read is reported there; nothing here would be about what the spec says.
  if (s === UNMAPPED_SLI) return;
  if (s.kind === 'quantile' || s.kind === 'average') {
    const timeUnits = ['s', 'ms'];
    const sizeUnits = ['By', 'MB', 'GB'];
    const histTime = timeUnits.includes(s.histogram.unit);
    if (histTime ? !timeUnits.includes(o.unit) : !sizeUnits.includes(o.unit)) {
      issues.push({
        path: [...at, 'unit'],
        message: `unit ${o.unit} cannot be compared with a histogram recorded in ${s.histogram.unit}`,
        hint: `write unit: ${histTime ? 's or ms' : 'By, MB or GB'}`,
      });
    }
    if (s.kind === 'quantile' && o.direction !== 'lower_is_better') {
      issues.push({ path: [...at, 'direction'], message: 'quantile objectives are decided from bucket fractions and must be lower_is_better', hint: 'write direction: lower_is_better' });
    }
  }
  if (s.kind === 'zeroTolerance') {
    if (o.direction !== 'lower_is_better') issues.push({ path: [...at, 'direction'], message: 'a zero-tolerance SLI counts bad events', hint: 'write direction: lower_is_better' });
    if (o.unit !== 'events') issues.push({ path: [...at, 'unit'], message: 'a zero-tolerance SLI is a count of events', hint: 'write unit: events' });
    if (o.critical.value !== 0) issues.push({ path: [...at, 'critical', 'threshold'], message: 'zero tolerance means any event breaches', hint: 'write threshold: 0' });
  }
  if (s.kind === 'ratio' && o.unit !== 'ratio') issues.push({ path: [...at, 'unit'], message: `a ratio SLI cannot have unit ${o.unit}`, hint: 'write unit: ratio' });
  for (const { selector, path } of eventSelectors(o)) {
    if (selector.kind !== 'promql' || selector === UNMAPPED_EVENTS) continue;
    const problem = checkUserPromql(selector.expr);
    if (problem !== undefined) issues.push({ path: [...at, ...path, 'promql'], message: problem, hint: 'write an expression such as sum(increase(my_events_total[{{window}}]))' });
    else if (prometheusVersion < 3 && usesQuotedNames(selector.expr)) {
      issues.push({ path: [...at, ...path, 'promql'], message: 'quotes a metric or label name (UTF-8 names), which only Prometheus 3 parses; the spec targets Prometheus 2 (prometheusVersion, default 2)', hint: 'add prometheusVersion: 3 when your Prometheus is 3.x, or write legacy names without quotes' });
    }
    if (o.modelScoped) issues.push({ path: [...at, 'modelScoped'], message: '--model cannot be applied to user PromQL', hint: 'remove modelScoped, or use signals' });
  }
}

function checkWindows(o: Objective, at: Path, issues: PathIssue[]): void {
  const w = o.windows;
  if (w.alert > w.gate) {
    issues.push({
      path: [...at, 'windows', 'alert'],
      message: `alert window ${promDuration(w.alert)} is longer than the gate window ${promDuration(w.gate)}`,
      hint: 'windows must be ordered alert <= gate <= budget',
    });
  }
  if (w.budget !== undefined && w.gate > w.budget) {
    issues.push({
      path: [...at, 'windows', 'gate'],
      message: `gate window ${promDuration(w.gate)} is longer than the budget window ${promDuration(w.budget)}`,
      hint: 'windows must be ordered alert <= gate <= budget',
    });
  }
  const b = o.errorBudget;
  if (b !== undefined) {
    b.burnRateAlerts.forEach((r, i) => {
      if (r.standard) return;
      if (r.withinSeconds > b.windowSeconds) {
        issues.push({ path: [...at, 'errorBudget', 'burnRateAlerts', i, 'within'], message: `${promDuration(r.withinSeconds)} is longer than the budget window ${promDuration(b.windowSeconds)}`, hint: 'write a window shorter than the budget window' });
      }
      if (r.shortWindowSeconds >= r.withinSeconds) {
        issues.push({ path: [...at, 'errorBudget', 'burnRateAlerts', i, 'shortWindow'], message: 'the short window must be shorter than the long one', hint: `write e.g. shortWindow: ${promDuration(Math.max(60, Math.round(r.withinSeconds / 12)))}` });
      }
    });
  }
}

function checkRouting(o: Objective, at: Path, issues: PathIssue[]): void {
  if (o.owner === '') issues.push({ path: [...at, 'owner'], message: 'no owner: alerts would reach nobody', hint: 'write owner: "@team" here or defaults.routing.owner' });
  if (o.channel === '') issues.push({ path: [...at, 'channel'], message: 'no notification channel', hint: 'write channel: "#alerts" here or defaults.routing.channel' });
  if (o.runbookUrl === '') issues.push({ path: [...at, 'runbook'], message: 'no runbook: every alert links one', hint: 'write runbook: docs/runbooks/<profile>/<objective>.md or a URL' });
  if (o.escalation?.kind === 'delay' && o.escalation.afterSeconds <= 0) {
    issues.push({ path: [...at, 'escalation', 'after'], message: 'an escalation delay must be positive', hint: 'write after: 30m' });
  }
}

function checkGate(profile: Profile, issues: PathIssue[]): void {
  const n = profile.gate.approvalAfterConsecutiveWarnings;
  const path = ['gate', 'approvalAfterConsecutiveWarnings'];
  if (n > MAX_CONSECUTIVE_WARNINGS) {
    issues.push({ path, message: `${String(n)} is more than ${String(MAX_CONSECUTIVE_WARNINGS)}, the maximum (the gate queries N + 1 alert windows per objective)`, hint: `write a count from 0 to ${String(MAX_CONSECUTIVE_WARNINGS)}` });
    return;
  }
  for (const o of profile.objectives) {
    const span = (n + 1) * o.windows.alert;
    if (span > WINDOW_RANGE.max) {
      issues.push({
        path,
        message: `${String(n + 1)} consecutive alert windows of ${o.name} span ${promDuration(span)}, longer than ${promDuration(WINDOW_RANGE.max)}, the maximum for a window`,
        hint: `write at most ${String(Math.floor(WINDOW_RANGE.max / o.windows.alert) - 1)}, or a shorter alert window`,
      });
      return;
    }
  }
}

/** UTF-8 metric names (metricNames utf8, utf8-unit-suffixes) need quoted names in PromQL: Prometheus 3. */
function checkNaming(profile: Profile, issues: PathIssue[]): void {
  const needed = minPrometheusVersion(profile.metricNames);
  if (profile.prometheusVersion >= needed) return;
  issues.push({
    path: ['metricNames'],
    message: `${profile.metricNames} names (OTel names with dots, e.g. gen_ai.execute_tool.duration) need Prometheus ${String(needed)}, but the spec targets Prometheus ${String(profile.prometheusVersion)} (prometheusVersion, default 2)`,
    hint: `add prometheusVersion: ${String(needed)} when your Prometheus is ${String(needed)}.x; on Prometheus 2 use metricNames: unit-suffixes (or otel-js) with a pipeline that escapes names`,
  });
}

/** Characters YAML 1.2 reads as text but Prometheus' and Alertmanager's YAML (1.1 rules) reads as line breaks. */
const YAML11_BREAKS = /[\u0085\u2028\u2029]/;

/** Strings of the document (before mapping) holding a character the generated YAML could not carry. */
export function validateText(value: unknown, path: Path = []): PathIssue[] {
  if (typeof value === 'string') {
    const ch = YAML11_BREAKS.exec(value)?.[0];
    if (ch === undefined) return [];
    const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return [{ path, message: `contains ${code}, a line break to Prometheus and Alertmanager (their YAML follows 1.1 rules)`, hint: 'write a newline (\\n) or a space instead' }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => validateText(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [...validateText(k, path), ...validateText(v, [...path, k])]);
  return [];
}

/** Every semantic problem of a mapped profile. */
export function validateProfile(profile: Profile): PathIssue[] {
  const issues: PathIssue[] = [];
  checkNaming(profile, issues);
  checkGate(profile, issues);
  const seen = new Map<string, number>();
  profile.objectives.forEach((o, i) => {
    const at: Path = ['objectives', i];
    const first = seen.get(o.name);
    if (first !== undefined) {
      issues.push({ path: [...at, 'name'], message: `duplicate objective name "${o.name}" (first at objectives[${first}])`, hint: 'give every objective a unique name' });
    } else {
      seen.set(o.name, i);
    }
    checkThresholds(o, at, issues);
    checkSli(o, at, issues, profile.prometheusVersion);
    checkWindows(o, at, issues);
    checkRouting(o, at, issues);
  });
  return issues;
}
