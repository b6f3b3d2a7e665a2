/**
 * Observations → per-objective verdicts → overall verdict. Pure: no I/O, no clock.
 *
 * Rules (DESIGN.md, issue 6): the gate value is the SLI over the gate window; critical breached there → blocked.
 * Warning (or critical) breached in windows 0..N of the alert window → approval required. Error budget exhausted
 * over the budget window → blocked (freeze), passed only by a hotfix. Errors, empty results, NaN/±Inf components,
 * zero traffic and too little history → cannot evaluate. Optional objectives without data are "not active".
 * Overall = worst, ordered blocked > cannot evaluate > approval required > pass.
 */
import { humanNumber, humanWindow, jsonNumber, unitThreshold, unitValue } from '../format.js';
import { type LevelValues, levelValues, type Objective, type Profile } from '../profile/model.js';
import { budgetConsumed, type Components, computeSli, missingBudgetBucket, type SliOutcome } from '../sli/compute.js';
import type { ComponentName } from '../sli/queries.js';
import { type ObjectiveObservation, type QueryResult, unknowableComponent, type WindowObservation } from './observations.js';
import type { PlannedQuery, Source } from './queries.js';

export type Verdict = 'pass' | 'blocked' | 'approval_required' | 'cannot_evaluate';
export type ObjectiveStatus = Verdict | 'not_active';
export type CheckName = 'activity' | 'coverage' | 'gate' | 'consecutive' | 'budget';

/** Severity order for "worst": blocked > cannot evaluate > approval required > pass. */
export const VERDICT_ORDER: readonly Verdict[] = ['pass', 'approval_required', 'cannot_evaluate', 'blocked'];

export function worst(verdicts: Iterable<Verdict>): Verdict {
  let w: Verdict = 'pass';
  for (const v of verdicts) if (VERDICT_ORDER.indexOf(v) > VERDICT_ORDER.indexOf(w)) w = v;
  return w;
}

export interface ConsecutiveWindow {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly value: number | null;
  readonly events: number | null;
  /** breach: warning (or critical) breached; ok: not breached; no_data / too_few_events: does not count. */
  readonly state: 'breach' | 'ok' | 'no_data' | 'too_few_events' | 'error';
  readonly reason?: string;
}

export interface CheckResult {
  readonly check: CheckName;
  readonly status: ObjectiveStatus;
  /** Verdict before a hotfix or decision changed it. */
  readonly underlying: ObjectiveStatus;
  readonly windowSeconds: number;
  readonly value?: number | null;
  readonly events?: number | null;
  readonly reason: string;
  readonly queries: readonly PlannedQuery[];
  /** Raw component counts, by component name (null: no series). */
  readonly components?: Readonly<Record<string, number | null>>;
  readonly windows?: readonly ConsecutiveWindow[];
  /** Budget: consumed fraction (1 = exhausted). */
  readonly consumed?: number | null;
  /** Budget: the block is a freeze (only a hotfix passes it). */
  readonly freeze?: boolean;
  readonly hotfix?: boolean;
}

export interface ObjectiveResult {
  readonly name: string;
  readonly title: string;
  readonly unit: string;
  readonly direction: Objective['direction'];
  readonly status: ObjectiveStatus;
  /** Status from the data alone, before hotfix and human decisions. */
  readonly underlyingStatus: ObjectiveStatus;
  readonly source: Source;
  readonly sourceNote: string;
  readonly value: number | null;
  readonly thresholds: LevelValues;
  readonly windows: { readonly gate: number; readonly alert: number; readonly budget?: number };
  readonly reasons: readonly string[];
  readonly checks: readonly CheckResult[];
}

export interface PolicyContext {
  readonly profile: Profile;
  readonly hotfix: boolean;
}

export interface PolicyResult {
  readonly verdict: Verdict;
  readonly objectives: readonly ObjectiveResult[];
  readonly reasons: readonly string[];
}

/** Numbers in reasons: `none` when there is no value. */
function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? 'none' : humanNumber(v);
}

/** An observed value in the objective's unit for people (`7727 ms`, `98.5%`). */
function inUnit(o: Objective, v: number | null | undefined): string {
  return unitValue(o.unit, jsonNumber(v), 'none');
}

function cmp(o: Objective): string {
  return o.direction === 'higher_is_better' ? '<' : '>';
}

type Collected = { ok: true; components: Components; raw: Record<string, number | null> } | { ok: false; reason: string };

function collect(w: WindowObservation): Collected {
  const components: Components = {};
  const raw: Record<string, number | null> = {};
  for (const [name, r] of Object.entries(w.components) as [ComponentName, QueryResult][]) {
    if (r.status === 'error') return { ok: false, reason: `${name}: ${r.reason}` };
    raw[name] = r.value ?? null;
    if (r.value !== undefined) components[name] = r.value;
  }
  return { ok: true, components, raw };
}

function queriesOf(w: WindowObservation): PlannedQuery[] {
  const src = w.source === 'recorded' && w.plan.recorded !== undefined ? w.plan.recorded : w.plan.raw;
  // Recorded components of one window share one query (PlannedQuery.pick): list each query once.
  const out = [...new Map(Object.values(src).filter((q): q is PlannedQuery => q !== undefined).map((q) => [`${q.time}\u0000${q.expr}`, q])).values()];
  if (w.display !== undefined) out.push(w.source === 'recorded' && w.plan.recordedDisplay !== undefined ? w.plan.recordedDisplay : w.plan.display);
  return out;
}

function sli(o: Objective, w: WindowObservation, c: Components): SliOutcome {
  const display = w.display?.status === 'ok' ? w.display.value : undefined;
  const out = computeSli(o, c, display);
  // The NaN count computeSli names: which series are unknowable, across which gap (unknowable.ts).
  const nan = unknowableComponent(w.components);
  const why = nan !== undefined ? w.components[nan] : undefined;
  if (out.status !== 'no_data' || why?.status !== 'ok' || why.unknowable === undefined) return out;
  return { ...out, reason: `${out.reason}: ${why.unknowable}` };
}

function windowText(w: WindowObservation): string {
  return humanWindow(w.plan.windowSeconds);
}

function check(
  name: CheckName,
  status: ObjectiveStatus,
  windowSeconds: number,
  reason: string,
  queries: readonly PlannedQuery[],
  extra: Partial<CheckResult> = {},
): CheckResult {
  return { check: name, status, underlying: status, windowSeconds, reason, queries, ...extra };
}

function gateCheck(ctx: PolicyContext, o: Objective, w: WindowObservation): CheckResult {
  const queries = queriesOf(w);
  const c = collect(w);
  if (!c.ok) return check('gate', 'cannot_evaluate', w.plan.windowSeconds, `cannot evaluate the ${windowText(w)} window: ${c.reason}`, queries);
  const out = sli(o, w, c.components);
  const base = { components: c.raw };
  if (out.status === 'no_data') {
    return check('gate', 'cannot_evaluate', w.plan.windowSeconds, `no data over the ${windowText(w)} gate window: ${out.reason}`, queries, base);
  }
  const extra = { ...base, value: out.value, events: out.events };
  const observed = o.sli.kind === 'quantile' ? `p${o.sli.quantile * 100} ≈ ${inUnit(o, out.value)}` : inUnit(o, out.value);
  if (out.breached.critical === true && ctx.profile.gate.blockOnCritical) {
    return check('gate', 'blocked', w.plan.windowSeconds, `critical breached over ${windowText(w)}: observed ${observed} ${cmp(o)} critical ${unitThreshold(o.unit, o.critical.value)} (${fmt(out.events)} events)`, queries, extra);
  }
  const note = out.breached.critical === true ? ' (critical breached; the profile does not block on it)' : out.breached.target ? ' (target missed)' : '';
  return check('gate', 'pass', w.plan.windowSeconds, `observed ${observed} over ${windowText(w)}, critical ${unitThreshold(o.unit, o.critical.value)}${note}`, queries, extra);
}

function consecutiveCheck(ctx: PolicyContext, o: Objective, ws: readonly WindowObservation[]): CheckResult {
  const n = ctx.profile.gate.approvalAfterConsecutiveWarnings;
  const alert = o.windows.alert;
  const levelName = o.warning !== undefined ? 'warning' : 'critical';
  const level = o.warning?.value ?? o.critical.value;
  const windows: ConsecutiveWindow[] = [];
  const queries: PlannedQuery[] = [];
  for (const w of ws) {
    queries.push(...queriesOf(w));
    const span = { index: w.plan.index, start: w.plan.end - w.plan.windowSeconds, end: w.plan.end };
    const c = collect(w);
    if (!c.ok) {
      windows.push({ ...span, value: null, events: null, state: 'error', reason: c.reason });
      continue;
    }
    const out = sli(o, w, c.components);
    if (out.status === 'no_data') {
      windows.push({ ...span, value: null, events: null, state: 'no_data', reason: out.reason });
      continue;
    }
    const breach = out.breached.warning === true || out.breached.critical === true;
    const tooFew = out.events < o.minEvents && o.sli.kind !== 'zeroTolerance';
    windows.push({
      ...span,
      value: out.value,
      events: out.events,
      state: tooFew ? 'too_few_events' : breach ? 'breach' : 'ok',
      ...(tooFew ? { reason: `${fmt(out.events)} events < minEvents ${o.minEvents}` } : {}),
    });
  }
  const base = { windows };
  const errored = windows.find((w) => w.state === 'error');
  if (errored !== undefined) {
    return check('consecutive', 'cannot_evaluate', alert, `cannot evaluate ${humanWindow(alert)} window ${errored.index}: ${errored.reason ?? ''}`, queries, base);
  }
  // Streak from the newest window back; a window without data that could continue a streak fails closed.
  let streak = 0;
  for (const w of windows) {
    if (w.state === 'breach') {
      streak++;
      continue;
    }
    if (w.state === 'no_data') {
      return check(
        'consecutive',
        'cannot_evaluate',
        alert,
        `no data in the ${humanWindow(alert)} window ending ${new Date(w.end * 1000).toISOString()} (window ${w.index}) after ${streak} breaching window(s): cannot tell whether the ${levelName} streak continues (${w.reason ?? ''})`,
        queries,
        base,
      );
    }
    break;
  }
  const values = windows.map((w) => inUnit(o, w.value)).join(', ');
  if (streak > n) {
    return check(
      'consecutive',
      'approval_required',
      alert,
      `${levelName} breached in ${streak} consecutive ${humanWindow(alert)} windows (more than ${n}): ${values} ${cmp(o)} ${levelName} ${unitThreshold(o.unit, level)}`,
      queries,
      base,
    );
  }
  return check(
    'consecutive',
    'pass',
    alert,
    `${streak} consecutive ${humanWindow(alert)} window(s) breach ${levelName} ${unitThreshold(o.unit, level)} (approval needs more than ${n}): ${values}`,
    queries,
    base,
  );
}

function budgetCheck(ctx: PolicyContext, o: Objective, obs: ObjectiveObservation): CheckResult | undefined {
  const plan = obs.plan.budget;
  const b = obs.budget;
  const eb = o.errorBudget;
  if (plan === undefined || b === undefined || eb === undefined) return undefined;
  const recorded = b.source === 'recorded' && plan.recorded !== undefined;
  const asked = recorded ? plan.recorded : plan;
  const goodQuery = recorded ? plan.recorded?.good : plan.bucket?.good;
  const queries = [asked.bad, asked.total, ...(goodQuery !== undefined ? [goodQuery] : [])];
  const w = humanWindow(plan.windowSeconds);
  for (const [name, r] of [['bad', b.bad], ['total', b.total], ['good', b.good]] as const) {
    if (r?.status === 'error') return check('budget', 'cannot_evaluate', plan.windowSeconds, `cannot evaluate the ${w} error budget: ${name}: ${r.reason}`, queries);
  }
  const bad = b.bad.status === 'ok' ? b.bad.value : undefined;
  const total = b.total.status === 'ok' ? b.total.value : undefined;
  const components = { bad: bad ?? null, total: total ?? null };
  const missing = b.good?.status === 'ok' ? missingBudgetBucket(o, b.good.value, total) : undefined;
  if (missing !== undefined) return check('budget', 'cannot_evaluate', plan.windowSeconds, `cannot evaluate the ${w} error budget: ${missing}`, queries, { components });
  if ((bad !== undefined && !Number.isFinite(bad)) || (total !== undefined && !Number.isFinite(total))) {
    return check('budget', 'cannot_evaluate', plan.windowSeconds, `error budget over ${w}: non-finite count (bad ${fmt(bad)}, total ${fmt(total)})`, queries, { components });
  }
  const out = budgetConsumed(plan.allowed, bad, total);
  if (out.status === 'no_data') return check('budget', 'cannot_evaluate', plan.windowSeconds, `no data for the ${w} error budget: ${out.reason}`, queries, { components });
  const pct = Number.isFinite(out.consumed) ? unitValue('ratio', out.consumed) : 'all (zero tolerance)';
  const extra = { components, value: out.badRatio, events: total ?? null, consumed: out.consumed };
  if (out.consumed >= 1 && (plan.allowed > 0 || out.consumed > 0)) {
    const freeze = eb.onExhausted === 'freeze' && ctx.profile.gate.freezeOnBudgetExhausted;
    const reason = `error budget exhausted over ${w}: ${pct} consumed (bad ratio ${unitValue('ratio', out.badRatio)}, allowed ${unitThreshold('ratio', plan.allowed)})`;
    if (!freeze) return check('budget', 'pass', plan.windowSeconds, `${reason}; the profile does not freeze on it`, queries, extra);
    if (ctx.hotfix) {
      return { ...check('budget', 'pass', plan.windowSeconds, `${reason} — freeze passed by --hotfix (recorded in the audit log)`, queries, extra), underlying: 'blocked', freeze: true, hotfix: true };
    }
    return check('budget', 'blocked', plan.windowSeconds, `${reason} — deployments frozen: only a change marked --hotfix passes`, queries, { ...extra, freeze: true });
  }
  return check('budget', 'pass', plan.windowSeconds, `error budget over ${w}: ${pct} consumed`, queries, extra);
}

function coverageCheck(obs: ObjectiveObservation): CheckResult {
  const queries = obs.coverage.map((c) => c.query);
  const longest = Math.max(...obs.coverage.map((c) => c.plan.seconds));
  for (const c of obs.coverage) {
    const span = humanWindow(c.plan.seconds);
    if (c.result.status === 'error') return check('coverage', 'cannot_evaluate', c.plan.seconds, `cannot check that history covers ${span}: ${c.result.reason}`, queries);
    if (c.result.value === undefined) {
      const from = new Date((c.query.time - c.plan.slackSeconds) * 1000).toISOString();
      return check(
        'coverage',
        'cannot_evaluate',
        c.plan.seconds,
        `too little history: no ${c.source} data within ${humanWindow(c.plan.slackSeconds)} after ${from}, the start of the ${span} window`,
        queries,
      );
    }
  }
  return check('coverage', 'pass', longest, `history covers ${obs.coverage.map((c) => humanWindow(c.plan.seconds)).join(', ')}`, queries);
}

/** True when an optional objective has no data over its gate window (its inputs do not exist). */
function inactive(obs: ObjectiveObservation): boolean {
  if (!obs.plan.objective.activeOnlyWithData) return false;
  const total = obs.gate.plan.totalComponent;
  if (total === undefined) return false;
  const r = obs.gate.components[total];
  return r?.status === 'ok' && (r.value === undefined || r.value === 0);
}

/** One objective's verdict from its observations (before human decisions). */
export function evaluateObjective(ctx: PolicyContext, obs: ObjectiveObservation): ObjectiveResult {
  const o = obs.plan.objective;
  const head = {
    name: o.name,
    title: o.title,
    unit: o.unit,
    direction: o.direction,
    source: obs.source,
    sourceNote: obs.sourceNote,
    thresholds: levelValues(o),
    windows: { gate: o.windows.gate, alert: o.windows.alert, ...(o.errorBudget !== undefined ? { budget: o.errorBudget.windowSeconds } : {}) },
  };
  if (inactive(obs)) {
    const q = queriesOf(obs.gate);
    const reason = `not active: no ${obs.gate.plan.totalComponent ?? 'total'} events over ${humanWindow(o.windows.gate)} (optional objective, active only with data)`;
    return { ...head, status: 'not_active', underlyingStatus: 'not_active', value: null, reasons: [reason], checks: [check('activity', 'not_active', o.windows.gate, reason, q)] };
  }
  const checks: CheckResult[] = [coverageCheck(obs), gateCheck(ctx, o, obs.gate), consecutiveCheck(ctx, o, obs.consecutive)];
  const budget = budgetCheck(ctx, o, obs);
  if (budget !== undefined) checks.push(budget);
  const status = worst(checks.map((c) => c.status as Verdict));
  const underlyingStatus = worst(checks.map((c) => c.underlying as Verdict));
  const gate = checks[1];
  const reasons = checks.filter((c) => c.status !== 'pass' || c.hotfix === true).map((c) => c.reason);
  return { ...head, status, underlyingStatus, value: gate?.value ?? null, reasons, checks };
}

/** Overall verdict (before human decisions): worst active objective; no active objective at all cannot pass. */
export function overall(objectives: readonly ObjectiveResult[]): { verdict: Verdict; reasons: string[] } {
  const active = objectives.filter((o) => o.status !== 'not_active');
  if (active.length === 0) return { verdict: 'cannot_evaluate', reasons: ['no active objective to evaluate'] };
  const verdict = worst(active.map((o) => o.status as Verdict));
  const reasons = active.filter((o) => o.status !== 'pass' || o.reasons.length > 0).flatMap((o) => o.reasons.map((r) => `${o.name}: ${r}`));
  return { verdict, reasons };
}

export function decide(ctx: PolicyContext, observations: readonly ObjectiveObservation[]): PolicyResult {
  const objectives = observations.map((obs) => evaluateObjective(ctx, obs));
  return { ...overall(objectives), objectives };
}
