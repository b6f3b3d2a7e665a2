/**
 * What an evaluation record carries (the `data` of a record of type `evaluation`): written by the gate, read back
 * (defensively: audit files are input) by summary.ts for review and serve. Approval and override records carry a
 * gate decision (gate/decisions.ts).
 */
import type { JsonNumber } from '../format.js';

export interface EvaluationRecordData {
  readonly profile: string;
  readonly specFiles: readonly string[];
  readonly prometheusUrl: string;
  /** The gate's evaluation time, ISO 8601. */
  readonly at: string;
  readonly selector: readonly string[];
  readonly model: string | null;
  readonly hotfix: boolean;
  readonly hotfixUsed: boolean;
  /** pass, blocked, approval_required or cannot_evaluate; `underlyingVerdict` is the one before decisions. */
  readonly verdict: string;
  readonly underlyingVerdict: string;
  readonly exitCode: number;
  readonly objectives: readonly { readonly name: string; readonly status: string; readonly underlyingStatus: string; readonly value: JsonNumber; readonly source: string }[];
  readonly decisionsApplied: readonly string[];
  readonly reasons: readonly string[];
}
