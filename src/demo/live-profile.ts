/**
 * LIVE OVERLAY (demo only): the shipped runtime-v1 profile with windows and `for` durations short enough to fire in
 * a short demo. The shipped profile alerts over 24h windows after 15m; the overlay uses 1m windows, 10s `for` and
 * reads only the demo runtime's own series. Its alerts carry slo_profile="runtime-v1-live", so they can never be
 * mistaken for the real profile's. Pure.
 */
import type { Profile } from '../profile/model.js';

export const LIVE_PROFILE_SUFFIX = '-live';
export const LIVE_WINDOW_SECONDS = 60;
export const LIVE_FOR_SECONDS = 10;
export const LIVE_MIN_EVENTS = 5;
/** Rule evaluation interval of the overlay's groups (the shipped groups use 1m). */
export const LIVE_RULE_INTERVAL = '2s';

export function liveOverlayProfile(base: Profile, job: string): Profile {
  return {
    ...base,
    name: `${base.name}${LIVE_PROFILE_SUFFIX}`,
    title: `${base.title} — LIVE DEMO OVERLAY (1m windows, for 10s)`,
    selector: [...base.selector, { label: 'job', op: '=', value: job }],
    objectives: base.objectives.map((o) => ({
      ...o,
      windows: { alert: LIVE_WINDOW_SECONDS, gate: LIVE_WINDOW_SECONDS * 2, target: LIVE_WINDOW_SECONDS * 2 },
      ...(o.warning !== undefined ? { warning: { ...o.warning, forSeconds: LIVE_FOR_SECONDS } } : {}),
      critical: { ...o.critical, forSeconds: LIVE_FOR_SECONDS },
      minEvents: LIVE_MIN_EVENTS,
      // No no-data alerts while the runtime starts up: the overlay is about the degraded phase.
      activeOnlyWithData: true,
    })),
  };
}

/** The overlay's rule file text: the generated rules with the short group interval, and a header saying so. */
export function liveRuleFile(generated: string): string {
  const body = generated.replace(/^(\s*)interval: .*$/gm, `$1interval: ${LIVE_RULE_INTERVAL}`);
  return `# LIVE DEMO OVERLAY: runtime-v1 rules with 1m windows, for: 10s, interval ${LIVE_RULE_INTERVAL}, job-scoped. Not for production.\n${body}`;
}
