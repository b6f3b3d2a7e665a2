/**
 * Live delivery of the self-monitoring alerts (rules/<profile>/pipeline.yaml): a real Prometheus evaluates the
 * generated kokino pipeline group, scrapes itself and a stand-in collector's own metrics, and sends to a real
 * Alertmanager running the generated (rendered) config:
 * - the Watchdog reaches the heartbeat receiver, and only it (the receiver is pointed at a local webhook, as
 *   docs/stack.md tells a deployer to point it at a dead-man's-switch service);
 * - a rule group of the profile that fails to evaluate raises SLORuleEvaluationFailures, delivered to people;
 * - a collector whose exporter fails to send metric points raises SLOCollectorExportFailures, delivered to people.
 * The stand-in collector serves the collector's self-metric names (otelcol_exporter_send_failed_metric_points_total);
 * the alert depends on that series only. Same short-for overlay as alert-delivery.test.ts (test/harness/delivery.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { AM_RECEIVER_HEARTBEAT, EXPORT_FAILURES_ALERT, RULE_FAILURES_ALERT, WATCHDOG_ALERT } from '../../src/conventions.js';
import { generatePipelineRuleFile, pipelineGroupName } from '../../src/generate/prometheus/pipeline.js';
import { loadProfile } from '../../src/profile/load.js';
import { startAlertmanager } from '../../src/stack/alertmanager.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningAlertmanager, RunningPrometheus } from '../../src/stack/types.js';
import { renderForSinks, shortForOverlay } from '../harness/delivery.js';
import { startSink, type Sink, type SlackPayload, type WebhookPayload } from '../harness/sinks.js';

let dir: string;
let collector: Server;
let heartbeat: Sink;
let slack: Sink;
let pager: Sink;
let am: RunningAlertmanager;
let prom: RunningPrometheus;

/** A group of the profile (its name matches the pipeline alert's selector) whose rule fails every evaluation. */
const BROKEN_GROUP = `groups:
  - name: agent_slo:kokino:broken_for_test
    interval: 1s
    rules:
      # Two series (up, scrape_samples_scraped) with the same labels once the name is dropped: the evaluation fails
      # with "vector contains metrics with the same labelset after applying rule labels".
      - record: agent_slo_test:duplicate_labelsets
        expr: '{__name__=~"up|scrape_samples_scraped"}'
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-pipeline-delivery-'));
  const profile = await loadProfile('profiles/kokino.yaml');
  [heartbeat, slack, pager] = await Promise.all([startSink('webhook'), startSink('slack'), startSink('webhook')]);
  const rendered = await renderForSinks(profile, dir, { slack: slack.url, pager: pager.url });
  // The deployer's step (docs/stack.md): the heartbeat receiver gets the dead-man's-switch webhook.
  const doc = parse(rendered) as { receivers: { name: string; webhook_configs?: unknown[] }[] };
  const receiver = doc.receivers.find((r) => r.name === AM_RECEIVER_HEARTBEAT)!;
  expect(receiver.webhook_configs, 'the generated heartbeat receiver has no notifier of its own').toBeUndefined();
  receiver.webhook_configs = [{ url: `${heartbeat.url}/heartbeat`, send_resolved: false }];
  await writeFile(join(dir, 'alertmanager.yml'), stringify(doc, { lineWidth: 0 }));
  am = await startAlertmanager({ configFile: join(dir, 'alertmanager.yml') });

  // The stand-in collector's own metrics: its exporter fails, and its receiver refuses, 3 metric points per second.
  const start = Date.now();
  collector = createServer((_req, res) => {
    const failed = 3 * Math.round((Date.now() - start) / 1000);
    res
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(
        `# TYPE otelcol_exporter_send_failed_metric_points_total counter\notelcol_exporter_send_failed_metric_points_total{exporter="prometheus"} ${String(failed)}\n` +
          `# TYPE otelcol_receiver_refused_metric_points_total counter\notelcol_receiver_refused_metric_points_total{receiver="otlp"} ${String(failed)}\n`,
      );
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const port = (collector.address() as AddressInfo).port;

  const pipeline = join(dir, 'rules', 'pipeline-short-for.yml');
  const broken = join(dir, 'rules', 'broken.yml');
  await mkdir(join(dir, 'rules'), { recursive: true });
  await writeFile(pipeline, shortForOverlay(generatePipelineRuleFile(profile).content, 'generated kokino pipeline rules'));
  await writeFile(broken, BROKEN_GROUP);
  prom = await startPrometheus({
    ruleFiles: [pipeline, broken],
    scrapeConfigs: [{ job_name: 'otelcol', scrape_interval: '1s', static_configs: [{ targets: [`127.0.0.1:${String(port)}`] }] }],
    scrapeSelf: true,
    evaluationInterval: '1s',
    scrapeInterval: '1s',
    alertmanagerUrls: [am.url],
    // Alerts that fire before Prometheus has discovered the Alertmanager (the Watchdog, at the first evaluation) are
    // sent again after the resend delay: 1s instead of the default 1m.
    extraArgs: ['--rules.alert.resend-delay=1s'],
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([prom?.stop(), am?.stop()]);
  await Promise.allSettled([heartbeat?.close(), slack?.close(), pager?.close(), new Promise((r) => collector?.close(r))]);
  await rm(dir, { recursive: true, force: true });
});

const alertsIn = (s: Sink): { labels: Record<string, string>; annotations: Record<string, string> }[] =>
  s.deliveries.flatMap((d) => (d.body as WebhookPayload).alerts ?? []);
const slackTexts = (): string[] => slack.deliveries.map((d) => (d.body as SlackPayload).attachments.map((a) => `${a.title ?? ''}\n${a.text ?? ''}`).join('\n'));

describe('live delivery of the self-monitoring alerts (kokino pipeline rules, short-for overlay)', () => {
  it('the Watchdog reaches the heartbeat receiver, and no person', { timeout: 120_000 }, async () => {
    await heartbeat.waitFor((ds) => ds.some((d) => (d.body as WebhookPayload).alerts.some((a) => a.labels.alertname === WATCHDOG_ALERT)), 90_000, 'Watchdog heartbeat');
    const beat = (heartbeat.deliveries[0]!.body as WebhookPayload);
    expect(beat.receiver).toBe(AM_RECEIVER_HEARTBEAT);
    expect(beat.status).toBe('firing');
    expect(beat.alerts[0]!.labels).toMatchObject({ alertname: WATCHDOG_ALERT, slo_watchdog: 'kokino', severity: 'none' });
    expect(alertsIn(pager).some((a) => a.labels.alertname === WATCHDOG_ALERT)).toBe(false);
    expect(slackTexts().some((t) => t.includes(WATCHDOG_ALERT))).toBe(false);
  });

  it('a failing rule group of the profile raises SLORuleEvaluationFailures, delivered to people with the group named', { timeout: 120_000 }, async () => {
    await slack.waitFor(() => slackTexts().some((t) => t.includes('broken_for_test')), 90_000, 'rule evaluation failure message');
    const text = slackTexts().find((t) => t.includes('broken_for_test'))!;
    expect(text).toMatch(/Rule group .*;agent_slo:kokino:broken_for_test failed \d+ evaluation\(s\) in 5m/);
    // Only this profile's groups count: the self-monitoring group itself evaluates fine.
    expect(slackTexts().some((t) => t.includes(`${pipelineGroupName('kokino')} failed`))).toBe(false);
    expect(heartbeat.deliveries.some((d) => (d.body as WebhookPayload).alerts.some((a) => a.labels.alertname === RULE_FAILURES_ALERT))).toBe(false);
  });

  it('a collector exporter failing to send points and a receiver refusing them raise their alerts, delivered to people', { timeout: 120_000 }, async () => {
    await slack.waitFor(() => slackTexts().some((t) => /Collector exporter prometheus failed to send \d+ metric point\(s\) in 5m/.test(t)), 90_000, 'collector export failure message');
    await slack.waitFor(() => slackTexts().some((t) => /Collector receiver otlp refused \d+ metric point\(s\) in 5m/.test(t)), 90_000, 'collector refused points message');
    expect(heartbeat.deliveries.some((d) => (d.body as WebhookPayload).alerts.some((a) => a.labels.alertname === EXPORT_FAILURES_ALERT))).toBe(false);
  });
});
