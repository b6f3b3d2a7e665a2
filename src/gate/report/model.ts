/**
 * The gate report: the one structure every output format renders, and the JSON output itself
 * (schema: docs/gate-report.schema.json, version GATE_REPORT_SCHEMA). Pure.
 */
import type { DecidedObjective } from '../decisions.js';
import { humanWindow, type JsonNumber, jsonNumber } from '../../format.js';
import type { CheckName, ObjectiveStatus, Verdict } from '../policy.js';
import type { Source } from '../queries.js';

export const GATE_REPORT_SCHEMA = 'agent-slo/gate-report/v1';

/** Exit code per verdict. */
export const VERDICT_EXIT: Readonly<Record<Verdict, number>> = { pass: 0, blocked: 1, approval_required: 2, cannot_evaluate: 3 };

export interface ReportWindow {
  readonly seconds: number;
  readonly text: string;
}

export interface ReportQuery {
  readonly expr: string;
  readonly time: string;
}

export interface ReportCheck {
  readonly check: CheckName;
  readonly status: ObjectiveStatus;
  readonly underlyingStatus: ObjectiveStatus;
  readonly window: ReportWindow;
  readonly value: JsonNumber;
  readonly events: JsonNumber;
  readonly reason: string;
  readonly queries: readonly ReportQuery[];
  readonly components: Readonly<Record<string, JsonNumber>>;
  readonly consumed?: JsonNumber;
  readonly freeze?: boolean;
  readonly hotfix?: boolean;
  readonly windows?: readonly {
    readonly index: number;
    readonly start: string;
    readonly end: string;
    readonly value: JsonNumber;
    readonly events: JsonNumber;
    readonly state: string;
    readonly reason?: string;
  }[];
}

export interface ReportObjective {
  readonly name: string;
  readonly title: string;
  readonly unit: string;
  readonly direction: string;
  readonly status: ObjectiveStatus;
  readonly underlyingStatus: ObjectiveStatus;
  readonly value: JsonNumber;
  readonly thresholds: { readonly target: number; readonly warning: number | null; readonly critical: number };
  readonly windows: { readonly gate: ReportWindow; readonly alert: ReportWindow; readonly budget: ReportWindow | null };
  readonly source: Source;
  readonly sourceNote: string;
  readonly reasons: readonly string[];
  readonly decisions: DecidedObjective['decisions'];
  readonly checks: readonly ReportCheck[];
}

export interface GateReport {
  readonly schema: typeof GATE_REPORT_SCHEMA;
  readonly tool: { readonly name: 'agent-slo'; readonly version: string };
  readonly profile: { readonly name: string; readonly title: string; readonly files: readonly string[] };
  readonly prometheus: { readonly url: string };
  readonly at: string;
  readonly atUnix: number;
  readonly selector: readonly string[];
  readonly model: string | null;
  readonly hotfix: boolean;
  readonly verdict: Verdict;
  /** The verdict from the data alone, before --hotfix and human decisions. */
  readonly underlyingVerdict: Verdict;
  readonly exitCode: number;
  readonly reasons: readonly string[];
  readonly objectives: readonly ReportObjective[];
  readonly audit: { readonly log: string | null; readonly recordId: string | null; readonly seq: number | null; readonly note: string | null };
  readonly stats: { readonly queries: number; readonly durationMs: number };
}

export function window(seconds: number): ReportWindow {
  return { seconds, text: humanWindow(seconds) };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

export function reportObjective(o: DecidedObjective): ReportObjective {
  return {
    name: o.name,
    title: o.title,
    unit: o.unit,
    direction: o.direction,
    status: o.status,
    underlyingStatus: o.underlyingStatus,
    value: jsonNumber(o.value),
    thresholds: { target: o.thresholds.target, warning: o.thresholds.warning ?? null, critical: o.thresholds.critical },
    windows: { gate: window(o.windows.gate), alert: window(o.windows.alert), budget: o.windows.budget === undefined ? null : window(o.windows.budget) },
    source: o.source,
    sourceNote: o.sourceNote,
    reasons: o.reasons,
    decisions: o.decisions,
    checks: o.checks.map((c) => ({
      check: c.check,
      status: c.status,
      underlyingStatus: c.underlying,
      window: window(c.windowSeconds),
      value: jsonNumber(c.value),
      events: jsonNumber(c.events),
      reason: c.reason,
      queries: c.queries.map((q) => ({ expr: q.expr, time: iso(q.time) })),
      components: Object.fromEntries(Object.entries(c.components ?? {}).map(([k, v]) => [k, jsonNumber(v)])),
      ...(c.consumed !== undefined ? { consumed: jsonNumber(c.consumed) } : {}),
      ...(c.freeze !== undefined ? { freeze: c.freeze } : {}),
      ...(c.hotfix !== undefined ? { hotfix: c.hotfix } : {}),
      ...(c.windows !== undefined
        ? {
            windows: c.windows.map((w) => ({
              index: w.index,
              start: iso(w.start),
              end: iso(w.end),
              value: jsonNumber(w.value),
              events: jsonNumber(w.events),
              state: w.state,
              ...(w.reason !== undefined ? { reason: w.reason } : {}),
            })),
          }
        : {}),
    })),
  };
}

/** Human label of a status. */
export function statusLabel(s: ObjectiveStatus): string {
  switch (s) {
    case 'pass':
      return 'PASS';
    case 'blocked':
      return 'BLOCKED';
    case 'approval_required':
      return 'APPROVAL REQUIRED';
    case 'cannot_evaluate':
      return 'CANNOT EVALUATE';
    case 'not_active':
      return 'not active';
  }
}

