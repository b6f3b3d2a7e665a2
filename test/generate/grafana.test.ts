/**
 * Structure of the generated dashboards: provisionable (uid, no id), current schema, datasource as a variable and
 * used by every panel and query, unique panel ids, a 24-column grid without overlaps, and per objective the stat
 * with threshold colours at target/warning/critical, time series with threshold lines, budget and burn rate
 * where a budget exists, and the firing-alerts panels.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, generateDashboards } from '../../src/generate/grafana/dashboards.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource: { uid: string } }[];
  fieldConfig?: { defaults: { unit?: string; thresholds?: { mode: string; steps: { value: number | null; color: string }[] }; custom?: { thresholdsStyle?: { mode: string } } } };
}
interface Dash {
  id?: number;
  uid: string;
  schemaVersion: number;
  title: string;
  templating: { list: { type: string; name: string; query: string }[] };
  panels: Panel[];
}

const PROFILES = ['kokino', 'runtime-v1'] as const;
const profiles = new Map<string, Profile>();
const dashboards = new Map<string, Dash>();

beforeAll(async () => {
  for (const name of PROFILES) {
    const p = await loadProfile(`profiles/${name}.yaml`);
    profiles.set(name, p);
    dashboards.set(name, JSON.parse(generateDashboards(p)[0]!.content) as Dash);
  }
});

describe.each(PROFILES)('%s dashboard', (name) => {
  const dash = (): Dash => dashboards.get(name)!;

  it('is provisionable: fixed uid, no id, current schema, a Prometheus datasource variable', () => {
    const d = dash();
    expect(d.uid).toBe(`agent-slo-${name}`);
    expect(d).not.toHaveProperty('id');
    expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(d.templating.list).toContainEqual(expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' }));
  });

  it('every panel and every query uses ${datasource}', () => {
    for (const p of dash().panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource.uid).toBe('${datasource}');
    }
  });

  it('panel ids are unique and the grid is 24 wide without overlaps', () => {
    const panels = dash().panels;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const a of panels) {
      expect(a.gridPos.x + a.gridPos.w, a.title).toBeLessThanOrEqual(24);
      expect(a.gridPos.w * a.gridPos.h).toBeGreaterThan(0);
      for (const b of panels) {
        if (a === b) continue;
        const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it('per objective: stat with colours at target/warning/critical, series with threshold lines, budget and burn where a budget exists, firing alerts', () => {
    const d = dash();
    const profile = profiles.get(name)!;
    expect(d.panels[0]!.targets![0]!.expr).toBe(`ALERTS{slo_profile="${name}",alertstate="firing"}`);
    for (const o of profile.objectives) {
      const mine = d.panels.filter((p) => p.targets?.some((t) => t.expr.includes(`slo_objective="${o.name}"`)));
      const stat = mine.find((p) => p.type === 'stat' && p.title.includes('alert window'))!;
      expect(stat, o.name).toBeDefined();
      const values = stat.fieldConfig!.defaults.thresholds!.steps.map((s) => s.value);
      const expected = [o.target, o.critical.value, ...(o.warning === undefined ? [] : [o.warning.value])].map((v) => (v === 0 ? 1e-9 : v));
      for (const v of expected) expect(values, `${o.name} steps`).toContain(v);
      expect(stat.fieldConfig!.defaults.thresholds!.steps[0]!.value).toBeNull();
      const series = mine.find((p) => p.type === 'timeseries' && p.targets![0]!.expr.startsWith('agent_slo:sli'))!;
      expect(series.fieldConfig!.defaults.custom!.thresholdsStyle!.mode).not.toBe('off');
      expect(series.targets![0]!.expr).toContain('slo_window=~');
      const hasBudget = o.errorBudget !== undefined;
      expect(mine.some((p) => p.targets![0]!.expr.startsWith('agent_slo:error_budget_remaining'))).toBe(hasBudget);
      expect(mine.some((p) => p.targets![0]!.expr.startsWith('agent_slo:burn_rate'))).toBe(hasBudget);
      expect(mine.some((p) => p.targets![0]!.expr.startsWith('count(ALERTS{'))).toBe(true);
    }
  });
});

describe('colours', () => {
  it('higher is better: red below critical, orange below warning, yellow below target, green at target', () => {
    const d = buildDashboard(profiles.get('runtime-v1')!).dashboard as unknown as Dash;
    const stat = d.panels.find((p) => p.title === 'Tool success rate: 1d (alert window)')!;
    expect(stat.fieldConfig!.defaults.thresholds!.steps).toEqual([
      { value: null, color: 'red' },
      { value: 0.95, color: 'orange' },
      { value: 0.97, color: 'yellow' },
      { value: 0.98, color: 'green' },
    ]);
    expect(stat.fieldConfig!.defaults.unit).toBe('percentunit');
  });

  it('lower is better, zero tolerance: green at 0, red from the first event', () => {
    const d = dashboards.get('kokino')!;
    const stat = d.panels.find((p) => p.title === 'Data integrity: 5m (alert window)')!;
    expect(stat.fieldConfig!.defaults.thresholds!.steps).toEqual([
      { value: null, color: 'green' },
      { value: 1e-9, color: 'red' },
    ]);
  });
});

it('kokino is also written where document 002 puts it, with identical content', () => {
  const files = generateDashboards(profiles.get('kokino')!);
  expect(files.map((f) => f.path)).toEqual(['dashboards/kokino/kokino.json', 'monitoring/grafana/headless-dashboard.json']);
  expect(files[1]!.content).toBe(files[0]!.content);
  expect(generateDashboards(profiles.get('runtime-v1')!).map((f) => f.path)).toEqual(['dashboards/runtime-v1/runtime-v1.json']);
});
