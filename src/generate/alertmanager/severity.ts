/**
 * Severity order of a profile, highest first. Derived from the spec: `P<n>` names order by number (P1 highest),
 * common words by the usual scale, anything else by the level it is used for (critical before warning).
 */
import type { Profile } from '../../profile/model.js';

const WORDS = ['page', 'critical', 'high', 'error', 'major', 'warning', 'medium', 'minor', 'low', 'info'];

/** Every severity name the profile's alerts can carry. */
export function severitiesUsed(profile: Profile): { name: string; critical: boolean }[] {
  const seen = new Map<string, boolean>();
  const add = (name: string, critical: boolean): void => {
    seen.set(name, (seen.get(name) ?? false) || critical);
  };
  for (const o of profile.objectives) {
    add(o.critical.severity, true);
    if (o.warning !== undefined) add(o.warning.severity, false);
    if (o.escalation !== undefined) add(o.escalation.severity, false);
    if (o.errorBudget !== undefined) {
      add(o.errorBudget.exhaustedSeverity, false);
      for (const b of o.errorBudget.burnRateAlerts) add(b.severity, false);
    }
  }
  return [...seen].map(([name, critical]) => ({ name, critical }));
}

function score(s: { name: string; critical: boolean }): number {
  const p = /^p(\d+)$/i.exec(s.name);
  if (p !== null) return Number(p[1]);
  const word = WORDS.indexOf(s.name.toLowerCase());
  if (word >= 0) return 100 + word;
  return s.critical ? 200 : 300;
}

/** Severity names, highest first (stable for equal scores). */
export function severityOrder(profile: Profile): string[] {
  return severitiesUsed(profile)
    .map((s, i) => ({ ...s, i }))
    .sort((a, b) => score(a) - score(b) || a.i - b.i)
    .map((s) => s.name);
}
