/**
 * 15 days of runtime-v1 traffic at 1-minute resolution ending at `end` (a UTC midnight), so a weekly review at `end`
 * has a full previous week. Tool success rate and escalation rate change by day: the review week has two warning
 * days and one critical day for tool success. Synthetic `ALERTS` series stand in for the rule-evaluated alert
 * history (promtool cannot backfill alerting rules; the names and labels are those the generated rules use).
 */
import { seededRandom } from '../../src/backfill/scenario.js';
import { alertName, COUNTER_SIGNALS, HISTOGRAM_SIGNALS, LABEL_ALERT_KIND, LABEL_ALERT_LEVEL, LABEL_ALERTNAME, LABEL_ALERTSTATE, LABEL_OBJECTIVE, LABEL_PROFILE, LABEL_SEVERITY, PROM_ALERTS } from '../../src/conventions.js';
import { type HistogramStep, SeriesStore } from './series-store.js';

export const DAY = 86_400;
export const STEP = 300;
export const DAYS = 15;
/** ALERTS samples every minute (the rule evaluation interval of the history). */
export const ALERT_STEP = 60;

/** Tool failure ratio per day index (0 = oldest); days 8..14 are the review week. */
export const TOOL_FAILURE = [0.01, 0.012, 0.008, 0.01, 0.011, 0.009, 0.01, 0.01, 0.012, 0.01, 0.035, 0.032, 0.06, 0.01, 0.011];
export const ESCALATION = [0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03];

export interface ExpectedAlert {
  readonly alertname: string;
  readonly objective: string;
  readonly severity: string;
  /** [start, end] of each firing (seconds, sample times). */
  readonly firings: readonly (readonly [number, number])[];
}

export interface RuntimeScenario {
  readonly store: SeriesStore;
  readonly start: number;
  readonly end: number;
  readonly alerts: readonly ExpectedAlert[];
  readonly toolMetric: string;
  readonly errorLabel: string;
  readonly tasksMetric: string;
  readonly outcomeLabel: string;
}

function oneBucket(n: number): HistogramStep {
  return { counts: [n, 0], sum: n * 0.5 };
}

export function runtimeScenario(end: number): RuntimeScenario {
  const steps = (DAYS * DAY) / STEP;
  const start = end - DAYS * DAY;
  const rnd = seededRandom(11);
  const toolOk: HistogramStep[] = [];
  const toolErr: HistogramStep[] = [];
  const models: HistogramStep[] = [];
  const fallbacks: number[] = [];
  const latency: HistogramStep[] = [];
  const success: number[] = [];
  const failure: number[] = [];
  const escalated: number[] = [];
  const cost: number[] = [];
  for (let i = 0; i < steps; i++) {
    const day = Math.floor((i * STEP) / DAY);
    const n = 50 + Math.floor(rnd() * 50);
    const err = Math.round(n * (TOOL_FAILURE[day] ?? 0) * (0.5 + rnd()));
    toolOk.push(oneBucket(n - err));
    toolErr.push(oneBucket(err));
    const m = 40 + Math.floor(rnd() * 20);
    models.push(oneBucket(m));
    fallbacks.push(rnd() < 0.6 ? 1 : 0);
    const tasks = 20 + Math.floor(rnd() * 10);
    const esc = Math.round(tasks * (ESCALATION[day] ?? 0) * 2 * rnd());
    const fail = rnd() < 0.1 ? 1 : 0;
    escalated.push(esc);
    failure.push(fail);
    success.push(tasks - esc - fail);
    cost.push(tasks * 0.05 * (0.8 + 0.4 * rnd()));
    // bounds 2, 8, 10, 15 s (target/warning/critical of 8000/10000/15000 ms)
    const fast = Math.floor(tasks * 0.9);
    const mid = Math.floor(tasks * 0.07);
    latency.push({ counts: [fast, mid, tasks - fast - mid, 0, 0], sum: fast * 1 + mid * 5 + (tasks - fast - mid) * 9 });
  }
  const store = new SeriesStore();
  const tool = HISTOGRAM_SIGNALS.tool_duration.metric;
  const errorLabel = COUNTER_SIGNALS.tool_calls_failed.matchers[0].label;
  store.histogram(tool, {}, [1], start, STEP, toolOk);
  store.histogram(tool, { [errorLabel]: 'timeout' }, [1], start, STEP, toolErr);
  store.histogram(HISTOGRAM_SIGNALS.model_call_duration.metric, {}, [1], start, STEP, models);
  store.counter(COUNTER_SIGNALS.model_fallbacks.metric, {}, start, STEP, fallbacks);
  store.histogram(HISTOGRAM_SIGNALS.response_latency.metric, {}, [2, 8, 10, 15], start, STEP, latency);
  const tasksMetric = COUNTER_SIGNALS.tasks.metric;
  const outcomeLabel = COUNTER_SIGNALS.tasks_succeeded.matchers[0].label;
  store.counter(tasksMetric, { [outcomeLabel]: 'success' }, start, STEP, success);
  store.counter(tasksMetric, { [outcomeLabel]: 'failure' }, start, STEP, failure);
  store.counter(tasksMetric, { [outcomeLabel]: 'escalated' }, start, STEP, escalated);
  store.counter(COUNTER_SIGNALS.task_cost_usd.metric, {}, start, STEP, cost);

  // Alert history. Each alert series is sampled every minute while firing.
  const at = (day: number, hour: number, minute = 0): number => start + day * DAY + hour * 3600 + minute * 60;
  const alerts: ExpectedAlert[] = [
    { alertname: alertName('tool_success_rate', 'warning'), objective: 'tool_success_rate', severity: 'warning', firings: [[at(10, 6), at(10, 8)], [at(11, 10), at(11, 10, 30)]] },
    { alertname: alertName('tool_success_rate', 'critical'), objective: 'tool_success_rate', severity: 'critical', firings: [[at(12, 12), at(12, 13)]] },
    // In the previous week: must not be listed.
    { alertname: alertName('escalation_rate', 'warning'), objective: 'escalation_rate', severity: 'warning', firings: [[at(3, 1), at(3, 2)]] },
  ];
  for (const a of alerts) {
    const samples: [number, number][] = [];
    for (const [s, e] of a.firings) for (let t = s; t <= e; t += ALERT_STEP) samples.push([t, 1]);
    store.gauge(PROM_ALERTS, {
      [LABEL_ALERTNAME]: a.alertname,
      [LABEL_ALERTSTATE]: 'firing',
      [LABEL_PROFILE]: 'runtime-v1',
      [LABEL_OBJECTIVE]: a.objective,
      [LABEL_SEVERITY]: a.severity,
      [LABEL_ALERT_KIND]: 'threshold',
      [LABEL_ALERT_LEVEL]: a.severity,
    }, samples);
  }
  return { store, start, end, alerts, toolMetric: tool, errorLabel, tasksMetric, outcomeLabel };
}
