import { describe, expect, it } from 'vitest';
import { alertsSelector, firedAlerts } from '../../src/review/alerts.js';

const labels = { __name__: 'ALERTS', alertname: 'SLOAvailabilityCritical', alertstate: 'firing', slo_profile: 'kokino', slo_objective: 'availability', severity: 'P1', slo_alert: 'threshold', slo_window: '1h' };
const range = (from: number, to: number, step: number): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('alerts fired from ALERTS samples', () => {
  it('selects the firing alerts of one profile over the period', () => {
    expect(alertsSelector('kokino', 604_800)).toBe('ALERTS{alertstate="firing",slo_profile="kokino"}[604800s]');
  });

  it('splits firings at gaps longer than twice the evaluation interval and sums their durations', () => {
    // 15 s evaluation: fires 10:00–10:10, resolves, fires again 11:00–11:01.
    const ts = [...range(36_000, 36_600, 15), ...range(39_600, 39_660, 15)];
    const [a] = firedAlerts([{ labels, timestamps: ts }], 0, 100_000);
    expect(a).toMatchObject({ alertname: 'SLOAvailabilityCritical', objective: 'availability', severity: 'P1', kind: 'threshold', firings: 2 });
    expect(a!.firingSeconds).toBe(600 + 15 + 60 + 15);
    expect(a!.labels).toEqual({ slo_alert: 'threshold', slo_window: '1h' });
    expect(a!.firstFiring).toBe(new Date(36_000_000).toISOString());
  });

  it('clips to the period and leaves out alerts that did not fire in it', () => {
    const out = firedAlerts([{ labels, timestamps: range(1000, 2000, 60) }, { labels: { ...labels, alertname: 'Other' }, timestamps: [10] }], 1500, 5000);
    expect(out).toHaveLength(1);
    expect(out[0]!.firings).toBe(1);
    // samples at 1000, 1060, …: the first one inside (1500, 5000] is 1540; the last 1960.
    expect(out[0]!.firstFiring).toBe(new Date(1540_000).toISOString());
    expect(out[0]!.lastFiring).toBe(new Date(1960_000).toISOString());
    expect(out[0]!.firingSeconds).toBe(1960 - 1540 + 60);
  });
});
