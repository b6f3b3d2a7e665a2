/**
 * Alerts that fired, from Prometheus's `ALERTS{alertstate="firing"}` series (pure part). The raw samples of a
 * range selector over the period are grouped into firings: a new firing starts when the gap between samples is
 * more than twice the series' usual sample interval (the rule evaluation interval). Durations have the resolution
 * of that interval.
 */
import { LABEL_ALERT_KIND, LABEL_ALERTNAME, LABEL_ALERTSTATE, LABEL_OBJECTIVE, LABEL_PROFILE, LABEL_SEVERITY, PROM_ALERTS } from '../conventions.js';
import { escapePromqlString } from '../escape.js';

export interface AlertSamples {
  readonly labels: Readonly<Record<string, string>>;
  /** Sample timestamps, seconds. */
  readonly timestamps: readonly number[];
}

export interface FiredAlert {
  readonly alertname: string;
  readonly objective: string | null;
  readonly severity: string;
  /** The generated rules' `slo_alert` kind (threshold, burn_rate, …), when present. */
  readonly kind: string | null;
  readonly firings: number;
  /** ISO times: first sample in the period, last sample in the period. */
  readonly firstFiring: string;
  readonly lastFiring: string;
  readonly firingSeconds: number;
  /** Labels that distinguish series of the same alert (window, escalation, …), for the JSON report. */
  readonly labels: Readonly<Record<string, string>>;
}

/** `ALERTS{alertstate="firing",slo_profile="<profile>"}[<seconds>s]`: raw samples of the period. */
export function alertsSelector(profile: string, seconds: number): string {
  return `${PROM_ALERTS}{${LABEL_ALERTSTATE}="firing",${LABEL_PROFILE}="${escapePromqlString(profile)}"}[${Math.max(1, Math.round(seconds))}s]`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Groups samples into firings; `start`/`end` clip the period (samples outside are ignored). */
export function firedAlerts(series: readonly AlertSamples[], start: number, end: number): FiredAlert[] {
  const out: FiredAlert[] = [];
  for (const s of series) {
    const ts = s.timestamps.filter((t) => t > start && t <= end).sort((a, b) => a - b);
    if (ts.length === 0) continue;
    const gaps = ts.slice(1).map((t, i) => t - (ts[i] as number));
    const interval = gaps.length > 0 ? median(gaps) : 0;
    let firings = 1;
    let seconds = 0;
    let runStart = ts[0] as number;
    for (let i = 1; i < ts.length; i++) {
      const gap = (ts[i] as number) - (ts[i - 1] as number);
      if (gap > 2 * interval) {
        seconds += (ts[i - 1] as number) - runStart + interval;
        firings++;
        runStart = ts[i] as number;
      }
    }
    seconds += (ts[ts.length - 1] as number) - runStart + interval;
    const rest = Object.fromEntries(
      Object.entries(s.labels).filter(([k]) => ![LABEL_ALERTNAME, LABEL_ALERTSTATE, LABEL_PROFILE, LABEL_OBJECTIVE, LABEL_SEVERITY, '__name__'].includes(k)),
    );
    out.push({
      alertname: s.labels[LABEL_ALERTNAME] ?? '(unnamed)',
      objective: s.labels[LABEL_OBJECTIVE] ?? null,
      severity: s.labels[LABEL_SEVERITY] ?? '',
      kind: s.labels[LABEL_ALERT_KIND] ?? null,
      firings,
      firstFiring: new Date((ts[0] as number) * 1000).toISOString(),
      lastFiring: new Date((ts[ts.length - 1] as number) * 1000).toISOString(),
      firingSeconds: seconds,
      labels: rest,
    });
  }
  return out.sort((a, b) => (a.firstFiring < b.firstFiring ? -1 : a.firstFiring > b.firstFiring ? 1 : a.alertname.localeCompare(b.alertname)));
}
