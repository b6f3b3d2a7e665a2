/**
 * The pipeline watches itself: a dead-man's switch (an always-firing Watchdog that Alertmanager routes to the
 * heartbeat receiver: when it stops arriving, Prometheus, its rules or Alertmanager are down), an alert on failed
 * evaluations of this profile's rule groups, and on the collector path alerts on metric points an exporter failed to
 * send or a receiver refused. Its own rule file, so the SLO rule groups (and their backfill phases) stay as they are.
 */
import { stringify as stringifyYaml } from 'yaml';
import {
  EXPORT_FAILURES_ALERT,
  LABEL_ALERT_KIND,
  LABEL_PROFILE,
  LABEL_SEVERITY,
  LABEL_WATCHDOG,
  RECORD_PREFIX,
  REFUSED_POINTS_ALERT,
  RULE_FAILURES_ALERT,
  WATCHDOG_ALERT,
} from '../../conventions.js';
import type { Profile } from '../../profile/model.js';
import { GENERATED_NOTICE, type GeneratedFile } from '../types.js';
import type { AlertingRule, RuleGroup } from './rule-types.js';
import { renderRuleFile } from './rules-file.js';

/** `slo_alert` of the self-monitoring alerts. */
export const ALERT_KIND_PIPELINE = 'pipeline';
export const ALERT_KIND_WATCHDOG = 'watchdog';
const INTERVAL_SECONDS = 60;
const WINDOW = '5m';

export function pipelineGroupName(profile: string): string {
  return `${RECORD_PREFIX}:${profile}:pipeline`;
}

/** Path of a profile's self-monitoring rule file relative to the output root. */
export function pipelineRuleFilePath(profile: string): string {
  return `rules/${profile}/pipeline.yaml`;
}

function alert(profile: Profile, name: string, kind: string, severity: string, expr: string, summary: string, description: string): AlertingRule {
  const owner = kind === ALERT_KIND_WATCHDOG ? LABEL_WATCHDOG : LABEL_PROFILE;
  return {
    alert: name,
    expr,
    forSeconds: 0,
    labels: { [LABEL_SEVERITY]: severity, [owner]: profile.name, [LABEL_ALERT_KIND]: kind },
    annotations: { summary, description },
  };
}

/** Counter names with and without the `_total` suffix (collector versions and exporters differ). */
const counter = (name: string): string => `{__name__=~"${name}(_total)?"}`;

export function pipelineRuleGroup(profile: Profile): RuleGroup {
  const p = profile.name;
  const groups = `.*;${RECORD_PREFIX}:${p}:.*`;
  return {
    name: pipelineGroupName(p),
    intervalSeconds: INTERVAL_SECONDS,
    comments: ['Self-monitoring: dead-man switch, rule evaluation failures of this profile, collector export failures and refused points.'],
    rules: [
      alert(profile, WATCHDOG_ALERT, ALERT_KIND_WATCHDOG, 'none', 'vector(1)', `Watchdog of ${p}: always firing`, 'Always fires while Prometheus evaluates these rules and reaches Alertmanager; the heartbeat receiver pages when it stops arriving.'),
      alert(
        profile,
        RULE_FAILURES_ALERT,
        ALERT_KIND_PIPELINE,
        'critical',
        `sum by (rule_group) (increase(prometheus_rule_evaluation_failures_total{rule_group=~"${groups}"}[${WINDOW}])) > 0`,
        `Rule group {{ $labels.rule_group }} failed {{ $value | printf "%.0f" }} evaluation(s) in ${WINDOW}`,
        'Prometheus could not evaluate SLO rules of this profile: SLIs, budgets and alerts are stale or missing, and the gate may fail closed. Check the Prometheus log for the rule error.',
      ),
      alert(
        profile,
        EXPORT_FAILURES_ALERT,
        ALERT_KIND_PIPELINE,
        'warning',
        `sum by (exporter) (increase(${counter('otelcol_exporter_send_failed_metric_points')}[${WINDOW}])) > 0`,
        `Collector exporter {{ $labels.exporter }} failed to send {{ $value | printf "%.0f" }} metric point(s) in ${WINDOW}`,
        'The OpenTelemetry Collector could not deliver metric points: SLO counts from this path undercount until it recovers.',
      ),
      alert(
        profile,
        REFUSED_POINTS_ALERT,
        ALERT_KIND_PIPELINE,
        'warning',
        `sum by (receiver) (increase(${counter('otelcol_receiver_refused_metric_points')}[${WINDOW}])) > 0`,
        `Collector receiver {{ $labels.receiver }} refused {{ $value | printf "%.0f" }} metric point(s) in ${WINDOW}`,
        'The OpenTelemetry Collector refused incoming metric points (memory limiter, bad data): SLO counts undercount.',
      ),
    ],
  };
}

export function generatePipelineRuleFile(profile: Profile): GeneratedFile {
  const header = [GENERATED_NOTICE, `Profile ${profile.name}: the pipeline watches itself (Watchdog to the heartbeat receiver, rule evaluation failures, collector export failures).`];
  return { path: pipelineRuleFilePath(profile.name), content: renderRuleFile(header, [pipelineRuleGroup(profile)]) };
}

/** promtool unit tests of the self-monitoring rules: each alert fires on its input and stays quiet without. */
export function generatePipelineTests(profile: Profile): GeneratedFile {
  const p = profile.name;
  const g = pipelineRuleGroup(profile);
  const labels = (name: string): Record<string, string> => {
    const r = g.rules.find((x) => 'alert' in x && x.alert === name) as AlertingRule;
    return { ...r.labels };
  };
  const group = `/etc/prometheus/rules/rules.yaml;${RECORD_PREFIX}:${p}:availability`;
  const doc = {
    rule_files: ['../pipeline.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        name: 'Watchdog always fires',
        interval: '1m',
        input_series: [],
        alert_rule_test: [{ eval_time: '1m', alertname: WATCHDOG_ALERT, exp_alerts: [{ exp_labels: labels(WATCHDOG_ALERT), exp_annotations: annotations(g, WATCHDOG_ALERT, {}) }] }],
      },
      {
        name: 'failed evaluations of this profile fire; of another profile they do not',
        interval: '1m',
        input_series: [
          { series: `prometheus_rule_evaluation_failures_total{rule_group="${group}"}`, values: '0 0 0 0 0 0 0 0 0 0 0+1x10' },
          { series: `prometheus_rule_evaluation_failures_total{rule_group="x.yaml;${RECORD_PREFIX}:other-${p}:a"}`, values: '0+1x20' },
        ],
        alert_rule_test: [
          { eval_time: '9m', alertname: RULE_FAILURES_ALERT, exp_alerts: [] },
          {
            eval_time: '15m',
            alertname: RULE_FAILURES_ALERT,
            exp_alerts: [{ exp_labels: { ...labels(RULE_FAILURES_ALERT), rule_group: group }, exp_annotations: annotations(g, RULE_FAILURES_ALERT, { rule_group: group, value: '5' }) }],
          },
        ],
      },
      {
        name: 'collector export failures and refused points fire (with and without _total)',
        interval: '1m',
        input_series: [
          { series: 'otelcol_exporter_send_failed_metric_points_total{exporter="prometheusremotewrite"}', values: '0 0 0 0 0 0 0 0 0 0 0+3x10' },
          { series: 'otelcol_receiver_refused_metric_points{receiver="otlp"}', values: '0 0 0 0 0 0 0 0 0 0 0+2x10' },
        ],
        alert_rule_test: [
          { eval_time: '9m', alertname: EXPORT_FAILURES_ALERT, exp_alerts: [] },
          { eval_time: '9m', alertname: REFUSED_POINTS_ALERT, exp_alerts: [] },
          {
            eval_time: '15m',
            alertname: EXPORT_FAILURES_ALERT,
            exp_alerts: [{ exp_labels: { ...labels(EXPORT_FAILURES_ALERT), exporter: 'prometheusremotewrite' }, exp_annotations: annotations(g, EXPORT_FAILURES_ALERT, { exporter: 'prometheusremotewrite', value: '15' }) }],
          },
          {
            eval_time: '15m',
            alertname: REFUSED_POINTS_ALERT,
            exp_alerts: [{ exp_labels: { ...labels(REFUSED_POINTS_ALERT), receiver: 'otlp' }, exp_annotations: annotations(g, REFUSED_POINTS_ALERT, { receiver: 'otlp', value: '10' }) }],
          },
        ],
      },
    ],
  };
  return { path: `rules/${p}/tests/_pipeline.yaml`, content: `# ${GENERATED_NOTICE}\n# promtool unit tests of ${pipelineRuleFilePath(p)}\n${stringifyYaml(doc)}` };
}

/** The annotations of `name` with `{{ $labels.x }}` and `{{ $value | printf "%.0f" }}` filled in. */
function annotations(g: RuleGroup, name: string, values: Record<string, string>): Record<string, string> {
  const r = g.rules.find((x) => 'alert' in x && x.alert === name) as AlertingRule;
  return Object.fromEntries(
    Object.entries(r.annotations).map(([k, v]) => [k, v.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => values[l] ?? '').replace(/\{\{ \$value \| printf "%\.0f" \}\}/g, values.value ?? '')]),
  );
}
