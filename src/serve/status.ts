/**
 * Observations → the `/api/slo/status` document (pure). Objectives are top-level keys so that document 002's
 * `curl …/api/slo/status | jq '.availability'` works; `_meta` says what was evaluated, when, and from where.
 * Numbers are JSON numbers; non-finite values are the strings "+Inf", "-Inf", "NaN"; `null` means no data.
 * The shape is documented in docs/serve.md.
 */
import type { SliOutcome } from '../sli/compute.js';
import { type ObjectiveState, stateOf } from '../sli/state.js';
import { type JsonNumber, jsonNumber, promDuration, unitThreshold, unitValue } from '../format.js';
import type { Objective } from '../profile/model.js';
import type { GateVerdictSummary } from '../audit/summary.js';
import type { BudgetObservation, ObjectiveObservation, WindowRole } from '../sli/observe.js';

/** Worst first: what `_meta.overall` reports. */
const SEVERITY_ORDER: readonly ObjectiveState[] = ['critical', 'warning', 'no_data', 'below_target', 'ok', 'not_active'];

export interface WindowStatus {
  readonly window: string;
  readonly seconds: number;
  /** In the objective's unit; for quantiles the `histogram_quantile` estimate (decisions use bucket fractions). */
  readonly value: JsonNumber;
  /** `value` for people, in the objective's unit (`98.99%`, `7727 ms`); `value` keeps full precision. */
  readonly display: string;
  readonly events: number | null;
  readonly state: ObjectiveState;
  readonly noDataReason?: string;
}

export interface ErrorBudgetStatus {
  readonly window: string;
  /** Allowed bad fraction over the window (0 = zero tolerance). */
  readonly allowed: number;
  readonly badEvents: number | null;
  readonly totalEvents: number | null;
  /** Fraction of the budget spent (1 = exhausted); null without data. */
  readonly consumed: JsonNumber;
  /** 1 − consumed (≤ 0 = exhausted). */
  readonly remaining: JsonNumber;
  readonly exhausted: boolean | null;
  readonly onExhausted: 'freeze' | 'alert';
  /** Burn rate (bad ratio / allowed) per window, e.g. {"1h": 0.4, "5m": 2.1}; empty for zero-tolerance budgets. */
  readonly burnRates: Readonly<Record<string, JsonNumber>>;
  readonly noDataReason?: string;
}

export interface ObjectiveStatus {
  readonly profile: string;
  readonly objective: string;
  readonly title: string;
  readonly unit: string;
  readonly direction: string;
  /** The SLI over the alert window (the "current" value) — same as windows.alert.value. */
  readonly value: JsonNumber;
  /** State over the alert window. */
  readonly state: ObjectiveState;
  readonly stateReason: string;
  readonly target: number;
  readonly warning: number | null;
  readonly critical: number;
  /** value and thresholds for people, in the objective's unit; the number fields keep full precision. */
  readonly display: { readonly value: string; readonly target: string; readonly warning: string | null; readonly critical: string };
  readonly windows: Readonly<Partial<Record<WindowRole, WindowStatus>>>;
  readonly errorBudget: ErrorBudgetStatus | null;
  readonly lastGateVerdict: GateVerdictSummary | null;
  readonly owner: string;
  readonly channel: string;
  readonly runbook: string;
  readonly statusMetric: string | null;
}

export interface StatusMeta {
  readonly profiles: readonly string[];
  /** Evaluation time of every query in this document. */
  readonly evaluatedAt: string;
  readonly source: { readonly prometheus: string };
  /** Worst objective state (not_active objectives do not count). */
  readonly overall: ObjectiveState;
  /** Objective key → profile/objective, for keys prefixed because of a name clash. */
  readonly keys: Readonly<Record<string, { readonly profile: string; readonly objective: string }>>;
  /** Seconds since evaluatedAt when this answer was sent; `cached` tells whether it came from the cache. */
  readonly ageSeconds?: number;
  readonly cached?: boolean;
  readonly cacheSeconds?: number;
  /** Warnings the server attached to its answers (redacted, bounded: src/prometheus/warnings.ts); absent when none. */
  readonly warnings?: readonly string[];
}

export interface StatusDocument {
  readonly _meta: StatusMeta;
  readonly [key: string]: ObjectiveStatus | StatusMeta;
}

function windowStatus(o: Objective, seconds: number, outcome: SliOutcome): WindowStatus {
  const base = { window: promDuration(seconds), seconds };
  if (outcome.status === 'no_data') return { ...base, value: null, display: 'no data', events: null, state: 'no_data', noDataReason: outcome.reason };
  const value = jsonNumber(outcome.value);
  return { ...base, value, display: unitValue(o.unit, value), events: outcome.events, state: stateOf(outcome) };
}

function describeState(o: Objective, state: ObjectiveState, w: WindowStatus | undefined): string {
  const win = w?.window ?? '?';
  const value = w === undefined ? '' : ` (${w.display})`;
  const cmp = o.direction === 'higher_is_better' ? '<' : '>';
  const t = (v: number | undefined): string => (v === undefined ? 'none' : unitThreshold(o.unit, v));
  switch (state) {
    case 'critical':
      return `critical: ${t(o.critical.value)} breached over ${win}${value}: ${cmp} ${t(o.critical.value)}`;
    case 'warning':
      return `warning: over ${win}${value}: ${cmp} ${t(o.warning?.value)}`;
    case 'below_target':
      return `target ${t(o.target)} missed over ${win}${value}, no alert threshold breached`;
    case 'ok':
      return `meets target ${t(o.target)} over ${win}${value}`;
    case 'no_data':
      return `no data over ${win}: ${w?.noDataReason ?? 'no alert window'}`;
    case 'not_active':
      return 'not active: shadow-mode objective without any input series (skipped, never paged as no-data)';
  }
}

function budgetStatus(o: Objective, b: BudgetObservation, burn: ObjectiveObservation['burnRates']): ErrorBudgetStatus {
  const burnRates: Record<string, JsonNumber> = {};
  for (const r of burn) burnRates[promDuration(r.seconds)] = r.outcome.status === 'ok' ? jsonNumber(r.outcome.consumed) : null;
  const base = {
    window: promDuration(b.windowSeconds),
    allowed: b.allowed,
    badEvents: b.bad ?? (b.total !== undefined ? 0 : null),
    totalEvents: b.total ?? null,
    onExhausted: o.errorBudget?.onExhausted ?? 'alert',
    burnRates,
  };
  if (b.outcome.status === 'no_data') return { ...base, consumed: null, remaining: null, exhausted: null, noDataReason: b.outcome.reason };
  const consumed = b.outcome.consumed;
  return { ...base, consumed: jsonNumber(consumed), remaining: jsonNumber(1 - consumed), exhausted: consumed >= 1 };
}

/** One objective's status from its observation (pure). */
export function objectiveStatus(obs: ObjectiveObservation, lastGate?: GateVerdictSummary): ObjectiveStatus {
  const o = obs.objective;
  const windows: Partial<Record<WindowRole, WindowStatus>> = {};
  for (const [role, w] of Object.entries(obs.windows) as [WindowRole, ObjectiveObservation['windows'][WindowRole]][]) {
    if (w !== undefined) windows[role] = windowStatus(o, w.seconds, w.outcome);
  }
  const alert = windows.alert;
  let state: ObjectiveState = alert?.state ?? 'no_data';
  const anyData = Object.values(windows).some((w) => w.state !== 'no_data');
  if (o.activeOnlyWithData && !anyData) state = 'not_active';
  return {
    profile: obs.profile,
    objective: o.name,
    title: o.title,
    unit: o.unit,
    direction: o.direction,
    value: alert?.value ?? null,
    state,
    stateReason: describeState(o, state, alert),
    target: o.target,
    warning: o.warning?.value ?? null,
    critical: o.critical.value,
    display: {
      value: alert?.display ?? 'no data',
      target: unitThreshold(o.unit, o.target),
      warning: o.warning === undefined ? null : unitThreshold(o.unit, o.warning.value),
      critical: unitThreshold(o.unit, o.critical.value),
    },
    windows,
    errorBudget: obs.budget === undefined ? null : budgetStatus(o, obs.budget, obs.burnRates),
    lastGateVerdict: lastGate ?? null,
    owner: o.owner,
    channel: o.channel,
    runbook: o.runbookUrl,
    statusMetric: o.statusMetric ?? null,
  };
}

/** Top-level keys: the objective name, or `<profile>/<objective>` for names that appear in several profiles. */
export function objectiveKeys(items: readonly { profile: string; objective: string }[]): string[] {
  const count = new Map<string, number>();
  for (const i of items) count.set(i.objective, (count.get(i.objective) ?? 0) + 1);
  return items.map((i) => ((count.get(i.objective) ?? 0) > 1 ? `${i.profile}/${i.objective}` : i.objective));
}

export function worstState(states: readonly ObjectiveState[]): ObjectiveState {
  for (const s of SEVERITY_ORDER) if (s !== 'not_active' && states.includes(s)) return s;
  return states.length > 0 ? 'not_active' : 'no_data';
}

export interface BuildStatusInput {
  readonly observations: readonly ObjectiveObservation[];
  readonly profiles: readonly string[];
  readonly evaluatedAt: number;
  readonly prometheusUrl: string;
  /** Last gate verdict per profile name. */
  readonly lastGate?: ReadonlyMap<string, GateVerdictSummary>;
  /** Per profile: objective name → that objective's verdict in the last gate run. */
  readonly lastGateObjectives?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Warnings the server attached to the answers of this evaluation. */
  readonly warnings?: readonly string[];
}

/** The whole status document (pure); `_meta.ageSeconds`/`cached` are added by the server when it answers. */
export function buildStatus(input: BuildStatusInput): StatusDocument {
  const statuses = input.observations.map((obs) => {
    const gate = input.lastGate?.get(obs.profile);
    const objVerdict = input.lastGateObjectives?.get(obs.profile)?.get(obs.objective.name);
    const summary = gate === undefined ? undefined : objVerdict === undefined ? gate : { ...gate, objectiveVerdict: objVerdict };
    return objectiveStatus(obs, summary);
  });
  const keys = objectiveKeys(statuses);
  const doc: Record<string, ObjectiveStatus | StatusMeta> = {};
  const keyMap: Record<string, { profile: string; objective: string }> = {};
  statuses.forEach((s, i) => {
    const key = keys[i] as string;
    doc[key] = s;
    keyMap[key] = { profile: s.profile, objective: s.objective };
  });
  const meta: StatusMeta = {
    profiles: input.profiles,
    evaluatedAt: new Date(input.evaluatedAt * 1000).toISOString(),
    source: { prometheus: input.prometheusUrl },
    overall: worstState(statuses.map((s) => s.state)),
    keys: keyMap,
    ...(input.warnings === undefined || input.warnings.length === 0 ? {} : { warnings: input.warnings }),
  };
  return { ...doc, _meta: meta };
}

/** The objective entries of a status document, in order. */
export function objectiveEntries(doc: StatusDocument): [string, ObjectiveStatus][] {
  return Object.entries(doc).filter((e): e is [string, ObjectiveStatus] => e[0] !== '_meta');
}
