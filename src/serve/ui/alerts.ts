/**
 * Firing and pending alerts of the served profiles, as Prometheus holds them now (pure part). Read from the
 * `ALERTS` series (alertstate firing|pending) and `ALERTS_FOR_STATE` (its value is when the alert became active),
 * so no extra API beyond instant queries is needed. Runbook, owner and channel come from the spec's objective: the
 * generated rules put the same runbook on every alert of an objective.
 */
import { LABEL_ALERT_KIND, LABEL_ALERTNAME, LABEL_ALERTSTATE, LABEL_OBJECTIVE, LABEL_PROFILE, LABEL_SEVERITY, PROM_ALERTS } from '../../conventions.js';
import type { Labels } from '../../prometheus/results.js';
import { escapeRegex, quotePromqlString } from '../../escape.js';
import type { Profile } from '../../profile/model.js';

export interface CurrentAlert {
  readonly alertname: string;
  readonly state: 'firing' | 'pending';
  readonly profile: string;
  readonly objective: string | null;
  readonly severity: string;
  readonly kind: string | null;
  /** ISO time the alert became active (pending since), when ALERTS_FOR_STATE has it. */
  readonly activeAt: string | null;
  readonly runbook: string | null;
  readonly owner: string | null;
  /** Other labels (window, escalation, …). */
  readonly labels: Readonly<Record<string, string>>;
}

/** `ALERTS{slo_profile=~"p1|p2"}` (and the same for ALERTS_FOR_STATE). */
export function alertsSelector(metric: string, profiles: readonly string[]): string {
  return `${metric}{${LABEL_PROFILE}=~${quotePromqlString(profiles.map(escapeRegex).join('|'))}}`;
}

export const ALERTS_QUERY = (profiles: readonly string[]): string => alertsSelector(PROM_ALERTS, profiles);
export const ALERTS_FOR_STATE_QUERY = (profiles: readonly string[]): string => alertsSelector('ALERTS_FOR_STATE', profiles);

const SKIP = new Set(['__name__', LABEL_ALERTNAME, LABEL_ALERTSTATE, LABEL_PROFILE, LABEL_OBJECTIVE, LABEL_SEVERITY, LABEL_ALERT_KIND]);

function identity(l: Labels): string {
  return JSON.stringify(Object.entries(l).filter(([k]) => k !== '__name__' && k !== LABEL_ALERTSTATE).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Rows for the page: firing first, then pending; by severity name and alert name. */
export function currentAlerts(alerts: readonly { labels: Labels }[], forState: readonly { labels: Labels; value: number }[], profiles: readonly Profile[]): CurrentAlert[] {
  const since = new Map(forState.map((s) => [identity(s.labels), s.value]));
  const rows = alerts.flatMap((a): CurrentAlert[] => {
    const l = a.labels;
    const state = l[LABEL_ALERTSTATE];
    if (state !== 'firing' && state !== 'pending') return [];
    const profile = l[LABEL_PROFILE] ?? '';
    const objective = profiles.find((p) => p.name === profile)?.objectives.find((o) => o.name === l[LABEL_OBJECTIVE]);
    const activeAt = since.get(identity(l));
    return [
      {
        alertname: l[LABEL_ALERTNAME] ?? '(unnamed)',
        state,
        profile,
        objective: l[LABEL_OBJECTIVE] ?? null,
        severity: l[LABEL_SEVERITY] ?? '',
        kind: l[LABEL_ALERT_KIND] ?? null,
        activeAt: activeAt === undefined || !Number.isFinite(activeAt) ? null : new Date(activeAt * 1000).toISOString(),
        runbook: objective?.runbookUrl ?? null,
        owner: objective?.owner ?? null,
        labels: Object.fromEntries(Object.entries(l).filter(([k]) => !SKIP.has(k))),
      },
    ];
  });
  const rank = (a: CurrentAlert): number => (a.state === 'firing' ? 0 : 1);
  return rows.sort((a, b) => rank(a) - rank(b) || a.severity.localeCompare(b.severity) || a.alertname.localeCompare(b.alertname));
}
