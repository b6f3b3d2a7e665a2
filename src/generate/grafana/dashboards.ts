/**
 * Grafana dashboards per profile, built with @grafana/grafana-foundation-sdk (current schema, schemaVersion from the
 * SDK). Provisionable: a fixed uid, no dashboard id, the Prometheus datasource as the `${datasource}` variable.
 * Per objective: SLI stats over the alert and gate windows with colours at target/warning/critical, its state,
 * firing alerts, error budget remaining and burn rate where a budget exists, and time series with threshold lines.
 * Panels read the recorded series (RECORD_SLI, RECORD_STATE, RECORD_BUDGET_REMAINING, RECORD_BURN_RATE) and ALERTS.
 * Pure: returns files.
 */
import { DashboardBuilder, DatasourceVariableBuilder, RowBuilder, ThresholdsConfigBuilder, ThresholdsMode, MappingType, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueColorMode, BigValueGraphMode, GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, LegendDisplayMode, VizLegendOptionsBuilder, LegendPlacement, ReduceDataOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import {
  GRAFANA_DATASOURCE_VAR,
  LABEL_ALERTSTATE,
  LABEL_OBJECTIVE,
  LABEL_PROFILE,
  LABEL_WINDOW,
  PROM_ALERTS,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_SLI,
  RECORD_STATE,
  grafanaDashboardUid,
  type Matcher,
} from '../../conventions.js';
import { renderSelector } from '../../promql/selector.js';
import { promDuration } from '../../format.js';
import type { Objective, Profile } from '../../profile/model.js';
import { STATE_CODES, STATE_TEXT, STATES } from '../../sli/state.js';
import { COLOUR, grafanaUnit, objectiveSteps, STATE_COLOUR } from './thresholds.js';
import type { GeneratedFile } from '../types.js';

const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: `\${${GRAFANA_DATASOURCE_VAR}}` };
const WIDTH = 24;

/** A panel query as the dashboard holds it (for tests and the query check). */
export interface PanelQuery {
  readonly panelId: number;
  readonly panelTitle: string;
  readonly refId: string;
  readonly expr: string;
  readonly instant: boolean;
  /** True when the query must return data once the objective has traffic (false: may be empty, e.g. no alerts). */
  readonly expectData: boolean;
}

const m = (label: string, value: string): Matcher => ({ label, op: '=', value });
const re = (label: string, values: readonly string[]): Matcher => ({ label, op: '=~', value: values.join('|') });

function query(refId: string, expr: string, legend: string, instant: boolean): DataqueryBuilder {
  const q = new DataqueryBuilder().refId(refId).expr(expr).legendFormat(legend).datasource(DATASOURCE);
  return instant ? q.instant() : q.range();
}

function thresholds(steps: { value: number | null; color: string }[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

const STATE_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(STATES.map((s, index) => [String(STATE_CODES[s]), { text: STATE_TEXT[s], color: STATE_COLOUR[s], index }])),
  },
];

class Layout {
  id = 0;
  y = 0;
  readonly queries: PanelQuery[] = [];
  next(): number {
    return ++this.id;
  }
  record(panelId: number, panelTitle: string, qs: { refId: string; expr: string; instant: boolean; expectData: boolean }[]): void {
    for (const q of qs) this.queries.push({ panelId, panelTitle, ...q });
  }
}

function stat(l: Layout, x: number, w: number, h: number, title: string, description: string, expr: string, expectData: boolean): StatPanel {
  const id = l.next();
  l.record(id, title, [{ refId: 'A', expr, instant: true, expectData }]);
  return new StatPanel()
    .id(id)
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .gridPos({ x, y: l.y, w, h })
    .withTarget(query('A', expr, '', true))
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Background)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

function objectiveRow(profile: Profile, o: Objective, l: Layout): { row: RowBuilder; panels: (StatPanel | TimeseriesPanel)[] } {
  const base = [m(LABEL_PROFILE, profile.name), m(LABEL_OBJECTIVE, o.name)];
  const alertW = promDuration(o.windows.alert);
  const gateW = promDuration(o.windows.gate);
  const windows = [...new Set([alertW, gateW])];
  const unit = grafanaUnit(o.unit);
  const steps = objectiveSteps(o);
  const levels = `target ${o.target}${o.warning === undefined ? '' : `, warning ${o.warning.value}`}, critical ${o.critical.value} (${o.unit}, ${o.direction.replaceAll('_', ' ')})`;

  const row = new RowBuilder(o.title).id(l.next()).gridPos({ x: 0, y: l.y, w: WIDTH, h: 1 });
  l.y += 1;
  const panels: (StatPanel | TimeseriesPanel)[] = [];
  const h = 5;
  const hasBudget = o.errorBudget !== undefined;
  const statW = hasBudget ? 4 : 6;
  let x = 0;
  const add = (p: StatPanel): void => {
    panels.push(p);
    x += statW;
  };
  add(
    stat(l, x, statW, h, `${o.title}: ${alertW} (alert window)`, `SLI over the alert window; ${levels}.`, renderSelector(RECORD_SLI, [...base, m(LABEL_WINDOW, alertW)]), true)
      .unit(unit)
      .thresholds(thresholds(steps)),
  );
  add(
    stat(l, x, statW, h, `${o.title}: ${gateW} (gate window)`, `SLI over the release-gate window; ${levels}.`, renderSelector(RECORD_SLI, [...base, m(LABEL_WINDOW, gateW)]), true)
      .unit(unit)
      .thresholds(thresholds(steps)),
  );
  add(
    stat(l, x, statW, h, 'State', 'Current state against target, warning and critical over the alert window.', renderSelector(RECORD_STATE, base), true)
      .mappings(STATE_MAPPINGS)
      .thresholds(thresholds([{ value: null, color: 'text' }])),
  );
  if (hasBudget) {
    add(
      stat(l, x, statW, h, 'Error budget remaining', `Fraction of the ${promDuration(o.errorBudget.windowSeconds)} error budget left (≤ 0: exhausted).`, renderSelector(RECORD_BUDGET_REMAINING, base), true)
        .unit('percentunit')
        .thresholds(
          thresholds([
            { value: null, color: COLOUR.critical },
            { value: 0, color: COLOUR.warning },
            { value: 0.25, color: COLOUR.belowTarget },
            { value: 0.5, color: COLOUR.ok },
          ]),
        ),
    );
  }
  const firing = `count(${renderSelector(PROM_ALERTS, [...base, m(LABEL_ALERTSTATE, 'firing')])}) or vector(0)`;
  add(
    stat(l, x, WIDTH - x, h, 'Firing alerts', 'Alerts of this objective firing now (Prometheus ALERTS series).', firing, true).thresholds(
      thresholds([
        { value: null, color: COLOUR.ok },
        { value: 1, color: COLOUR.critical },
      ]),
    ),
  );
  l.y += h;

  const th = 8;
  const seriesW = hasBudget ? WIDTH / 2 : WIDTH;
  const sliId = l.next();
  const sliExpr = renderSelector(RECORD_SLI, [...base, re(LABEL_WINDOW, windows)]);
  l.record(sliId, `${o.title} over time`, [{ refId: 'A', expr: sliExpr, instant: false, expectData: true }]);
  panels.push(
    new TimeseriesPanel()
      .id(sliId)
      .title(`${o.title} over time`)
      .description(`SLI over the alert window (${alertW}) and the gate window (${gateW}); lines at ${levels}.`)
      .datasource(DATASOURCE)
      .gridPos({ x: 0, y: l.y, w: seriesW, h: th })
      .withTarget(query('A', sliExpr, `{{${LABEL_WINDOW}}}`, false))
      .unit(unit)
      .thresholds(thresholds(steps))
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
      .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([])),
  );
  if (o.errorBudget !== undefined) {
    const burnId = l.next();
    const burnExpr = renderSelector(RECORD_BURN_RATE, base);
    l.record(burnId, 'Burn rate', [{ refId: 'A', expr: burnExpr, instant: false, expectData: true }]);
    const burnSteps = [{ value: null, color: COLOUR.ok }, ...[...new Set(o.errorBudget.burnRateAlerts.map((b) => b.burnRate))].sort((a, b) => a - b).map((v, i, all) => ({ value: v, color: i === all.length - 1 ? COLOUR.critical : COLOUR.warning }))];
    const alerts = o.errorBudget.burnRateAlerts.map((b) => `${b.name} ${round(b.burnRate)}× (${b.severity})`).join(', ');
    panels.push(
      new TimeseriesPanel()
        .id(burnId)
        .title('Burn rate')
        .description(`Error budget burn rate per window (1 = the budget lasts exactly its window)${alerts === '' ? '' : `; alert lines: ${alerts}`}.`)
        .datasource(DATASOURCE)
        .gridPos({ x: seriesW, y: l.y, w: WIDTH - seriesW, h: th })
        .withTarget(query('A', burnExpr, `{{${LABEL_WINDOW}}}`, false))
        .unit('x')
        .thresholds(thresholds(burnSteps))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(burnSteps.length > 1 ? GraphThresholdsStyleMode.Dashed : GraphThresholdsStyleMode.Off))
        .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([])),
    );
  }
  l.y += th;
  return { row, panels };
}

function round(v: number): number {
  return Number.parseFloat(v.toPrecision(4));
}

/** The dashboard as data, and every query it runs. */
export function buildDashboard(profile: Profile): { dashboard: Dashboard; queries: PanelQuery[] } {
  const l = new Layout();
  const builder = new DashboardBuilder(`agent-slo · ${profile.title}`)
    .uid(grafanaDashboardUid(profile.name))
    .description(`${profile.description} Generated by agent-slo from profile ${profile.name}; do not edit, regenerate.`)
    .tags(['agent-slo', profile.name])
    .timezone('browser')
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly()
    .withVariable(new DatasourceVariableBuilder(GRAFANA_DATASOURCE_VAR).label('Prometheus').type('prometheus'));

  const alertsId = l.next();
  const alertsExpr = renderSelector(PROM_ALERTS, [m(LABEL_PROFILE, profile.name), m(LABEL_ALERTSTATE, 'firing')]);
  l.record(alertsId, 'Firing alerts', [{ refId: 'A', expr: alertsExpr, instant: true, expectData: false }]);
  builder.withPanel(
    new TablePanel()
      .id(alertsId)
      .title('Firing alerts')
      .description(`Every agent-slo alert of profile ${profile.name} firing now, with its labels (Prometheus ALERTS series).`)
      .datasource(DATASOURCE)
      .gridPos({ x: 0, y: 0, w: WIDTH, h: 6 })
      .withTarget(query('A', alertsExpr, '', true).format(PromQueryFormat.Table))
      .noValue('no alerts firing'),
  );
  l.y = 6;
  for (const o of profile.objectives) {
    const { row, panels } = objectiveRow(profile, o, l);
    builder.withRow(row);
    for (const p of panels) builder.withPanel(p);
  }
  return { dashboard: builder.build(), queries: l.queries };
}

/** Paths of a profile's dashboards, relative to the output root: its own, then the spec's `dashboards.extraPaths`. */
export function dashboardPaths(profile: Profile): string[] {
  return [`dashboards/${profile.name}/${profile.name}.json`, ...profile.dashboards.extraPaths];
}

/** The profile's dashboard, at each of its paths. */
export function generateDashboards(profile: Profile): GeneratedFile[] {
  const content = `${JSON.stringify(buildDashboard(profile).dashboard, null, 2)}\n`;
  return dashboardPaths(profile).map((path) => ({ path, content }));
}
