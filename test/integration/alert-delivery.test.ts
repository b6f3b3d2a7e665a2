/**
 * Live delivery: a real Prometheus evaluates the generated kokino rules over scraped data that crosses thresholds,
 * sends to a real Alertmanager running the generated (rendered) config, which delivers to a local Slack-compatible
 * sink and a local webhook (pager) sink. Asserts that payloads carry metric, observed value, threshold, window and
 * runbook, reach the receivers of document 002's ownership matrix, and that inhibition mutes the lower severity.
 *
 * SHORT-FOR OVERLAY (test only): the generated rules are loaded with every alert's `for` set to 0s and every group's
 * interval to 1s, so the test runs in seconds. The real `for` durations and windows are proven by the generated
 * promtool tests; routing, payloads and inhibition do not depend on them. Ratios are unchanged by the interval.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_SIGNALS, HISTOGRAM_SIGNALS, promHistogram } from '../../src/conventions.js';
import { generateRuleFile } from '../../src/generate/prometheus/rules.js';
import { startAlertmanager } from '../../src/stack/alertmanager.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningAlertmanager, RunningPrometheus } from '../../src/stack/types.js';
import { loadProfile } from '../../src/profile/load.js';
import { renderForSinks, shortForOverlay } from '../harness/delivery.js';
import { startSink, type Delivery, type SlackPayload, type Sink, type WebhookPayload } from '../harness/sinks.js';

/** One label matcher of a signal as `name="value"`. */
function labelOf(signal: { matchers: readonly { label: string; value: string }[] }): string {
  const m = signal.matchers[0]!;
  return `${m.label}="${m.value}"`;
}

/**
 * Exposition text for elapsed seconds t: availability 50% (P1 breach), p95 latency 0.5 s (healthy), memory average
 * 1960 MB with 90% of executions under 500 MB (P2 threshold breach, budget healthy), one integrity failure per
 * second (zero tolerance, P1); shadow mode off (no comparisons).
 */
function exposition(t: number): string {
  const n = Math.round(10 * t) + 10;
  const exec = COUNTER_SIGNALS.executions_completed.metric;
  const dur = promHistogram(HISTOGRAM_SIGNALS.execution_duration.metric);
  const durLabel = labelOf(HISTOGRAM_SIGNALS.execution_duration);
  const mem = promHistogram(HISTOGRAM_SIGNALS.execution_memory.metric);
  const lines = [
    `# TYPE ${exec} counter`,
    `${exec}{${labelOf(COUNTER_SIGNALS.executions_completed)}} ${n / 2}`,
    `${exec}{${labelOf(COUNTER_SIGNALS.executions_failed)}} ${n / 2}`,
    `# TYPE ${HISTOGRAM_SIGNALS.execution_duration.metric} histogram`,
    ...['0.5', '1', '30', '60', '+Inf'].map((le) => `${dur.bucket}{${durLabel},le="${le}"} ${le === '0.5' ? 0 : n}`),
    `${dur.count}{${durLabel}} ${n}`,
    `${dur.sum}{${durLabel}} ${n * 0.7}`,
    `# TYPE ${HISTOGRAM_SIGNALS.execution_memory.metric} histogram`,
    `${mem.bucket}{le="500000000"} ${0.9 * n}`,
    `${mem.bucket}{le="1000000000"} ${0.9 * n}`,
    `${mem.bucket}{le="+Inf"} ${n}`,
    `${mem.count} ${n}`,
    `${mem.sum} ${n * (0.9 * 4e8 + 0.1 * 1.6e10)}`,
    `# TYPE ${COUNTER_SIGNALS.conversations.metric} counter`,
    `${COUNTER_SIGNALS.conversations.metric} ${n}`,
    `# TYPE ${COUNTER_SIGNALS.integrity_failures.metric} counter`,
    `${COUNTER_SIGNALS.integrity_failures.metric} ${Math.round(t) + 1}`,
  ];
  return `${lines.join('\n')}\n`;
}

let dir: string;
let target: Server;
let slack: Sink;
let pager: Sink;
let am: RunningAlertmanager;
let prom: RunningPrometheus;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-delivery-'));
  const profile = await loadProfile('profiles/kokino.yaml');
  slack = await startSink('slack');
  pager = await startSink('webhook');
  const rendered = await renderForSinks(profile, dir, { slack: slack.url, pager: pager.url });
  await writeFile(join(dir, 'alertmanager.yml'), rendered);
  am = await startAlertmanager({ configFile: join(dir, 'alertmanager.yml') });

  const start = Date.now();
  target = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition((Date.now() - start) / 1000));
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const port = (target.address() as AddressInfo).port;

  const rules = generateRuleFile(profile, 'profiles/kokino.yaml');
  const rulesFile = join(dir, 'rules', 'kokino-short-for.yml');
  await mkdir(dirname(rulesFile), { recursive: true });
  await writeFile(rulesFile, shortForOverlay(rules.content, 'generated kokino rules'));
  prom = await startPrometheus({
    ruleFiles: [rulesFile],
    scrapeConfigs: [{ job_name: 'kokino-broker', scrape_interval: '1s', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
    evaluationInterval: '1s',
    scrapeInterval: '1s',
    alertmanagerUrls: [am.url],
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([prom?.stop(), am?.stop()]);
  await Promise.allSettled([slack?.close(), pager?.close(), new Promise((r) => target?.close(r))]);
  await rm(dir, { recursive: true, force: true });
});

const slackFor = (ds: readonly Delivery[], receiver: string): SlackPayload[] =>
  ds.map((d) => d.body as SlackPayload).filter((b) => b.attachments?.some((a) => a.footer === `agent-slo · receiver ${receiver}`));
const pagesFor = (ds: readonly Delivery[], receiver: string): WebhookPayload[] => ds.map((d) => d.body as WebhookPayload).filter((b) => b.receiver === receiver);
const hasAlert = (p: WebhookPayload, objective: string, kind: string): boolean =>
  p.status === 'firing' && p.alerts.some((a) => a.labels.slo_objective === objective && a.labels.slo_alert === kind);
const slackHas = (p: SlackPayload, objective: string, kind: string): boolean => (p.attachments[0]?.title ?? '').includes(`kokino/${objective}`) && (p.attachments[0]?.text ?? '').includes(`(${kind})`);

describe('live delivery: Prometheus → Alertmanager → Slack and pager sinks (kokino, short-for overlay)', () => {
  it('P1 availability breach: the owner in #headless-alerts and the owner pager, with metric, observed, threshold, window, runbook', async () => {
    await pager.waitFor((ds) => pagesFor(ds, 'pager:backend-team').some((p) => hasAlert(p, 'availability', 'threshold')), 90_000, 'availability threshold page');
    const page = pagesFor(pager.deliveries, 'pager:backend-team').find((p) => hasAlert(p, 'availability', 'threshold'))!;
    const alert = page.alerts.find((a) => a.labels.slo_alert === 'threshold')!;
    expect(alert.labels).toMatchObject({ severity: 'P1', owner: '@backend-team', team: 'backend-team', channel: '#headless-alerts', slo_profile: 'kokino' });
    expect(alert.annotations.metric).toBeTruthy();
    expect(alert.annotations.observed).toMatch(/50(\.0+)?\s?%|0\.5/);
    expect(alert.annotations.threshold).toMatch(/99(\.0+)?\s?%|0\.99/);
    expect(alert.annotations.window).toMatch(/1h/);
    expect(alert.annotations.runbook_url).toBe('docs/runbooks/kokino/availability.md');

    await slack.waitFor((ds) => slackFor(ds, 'slack:backend-team:headless-alerts').some((p) => slackHas(p, 'availability', 'threshold')), 30_000, 'availability Slack message');
    const msg = slackFor(slack.deliveries, 'slack:backend-team:headless-alerts').find((p) => slackHas(p, 'availability', 'threshold'))!;
    expect(msg.channel).toBe('#headless-alerts');
    const text = msg.attachments[0]!.text!;
    expect(text).toContain(`Metric: \`${alert.annotations.metric}\``);
    expect(text).toContain(`Observed: ${alert.annotations.observed}`);
    expect(text).toContain(`Threshold: ${alert.annotations.threshold}`);
    expect(text).toContain(`Window: ${alert.annotations.window}`);
    expect(text).toContain('Runbook: docs/runbooks/kokino/availability.md');
    expect(msg.attachments[0]!.title).toMatch(/^\[FIRING:\d+\] P1 kokino\/availability /);
  });

  it('escalation goes to the lead: @platform-lead paged and told in #headless-alerts', async () => {
    await pager.waitFor((ds) => pagesFor(ds, 'pager:platform-lead').some((p) => hasAlert(p, 'availability', 'escalation')), 60_000, 'platform-lead page');
    await slack.waitFor((ds) => slackFor(ds, 'slack:platform-lead:headless-alerts').some((p) => slackHas(p, 'availability', 'escalation')), 30_000, 'platform-lead Slack');
    const page = pagesFor(pager.deliveries, 'pager:platform-lead').find((p) => hasAlert(p, 'availability', 'escalation'))!;
    expect(page.alerts[0]!.labels.escalation).toBe('@platform-lead');
    // The escalation did not go to the owner's receivers.
    expect(pagesFor(pager.deliveries, 'pager:backend-team').some((p) => hasAlert(p, 'availability', 'escalation'))).toBe(false);
  });

  it('zero-tolerance data integrity: #critical-alerts, data-team pager, and the immediate page to @data-lead', async () => {
    await pager.waitFor(
      (ds) => pagesFor(ds, 'pager:data-team').some((p) => hasAlert(p, 'data_integrity', 'zero_tolerance')) && pagesFor(ds, 'pager:data-lead').some((p) => hasAlert(p, 'data_integrity', 'escalation')),
      60_000,
      'data-team and data-lead pages',
    );
    await slack.waitFor((ds) => slackFor(ds, 'slack:data-team:critical-alerts').some((p) => p.channel === '#critical-alerts' && slackHas(p, 'data_integrity', 'zero_tolerance')), 30_000, 'critical-alerts Slack');
  });

  it('P2 memory breach reaches #ops-alerts only (no page)', async () => {
    await slack.waitFor((ds) => slackFor(ds, 'slack:ops-team:ops-alerts').some((p) => p.channel === '#ops-alerts' && slackHas(p, 'memory_per_execution', 'threshold')), 60_000, 'ops-alerts Slack');
    const msg = slackFor(slack.deliveries, 'slack:ops-team:ops-alerts').find((p) => slackHas(p, 'memory_per_execution', 'threshold'))!;
    expect(msg.attachments[0]!.title).toMatch(/ P2 kokino\/memory_per_execution /);
    expect(msg.attachments[0]!.text).toMatch(/Observed: .+\n• Threshold: .+\n• Window: 1h/);
    expect(pager.deliveries.map((d) => d.body as WebhookPayload).some((p) => p.alerts.some((a) => a.labels.slo_objective === 'memory_per_execution' && a.labels.slo_alert === 'threshold'))).toBe(false);
  });

  it('inhibition: the P2 slow burn of availability fires in Prometheus but is muted while its P1 fires', async () => {
    // Prometheus has it firing…
    let firing: { labels: Record<string, string> }[] = [];
    for (let i = 0; i < 60; i++) {
      const res = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      firing = res.data.alerts.filter((a) => a.state === 'firing' && a.labels.slo_objective === 'availability' && a.labels.severity === 'P2' && a.labels.slo_alert === 'burn_rate');
      if (firing.length > 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(firing.length).toBeGreaterThan(0);
    // …Alertmanager holds it as suppressed by an inhibition from the same objective's P1 alerts…
    let suppressed: { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[] = [];
    for (let i = 0; i < 30; i++) {
      const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as typeof suppressed;
      suppressed = alerts.filter((a) => a.labels.slo_objective === 'availability' && a.labels.slo_alert === 'burn_rate' && a.labels.severity === 'P2');
      if (suppressed.length > 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(suppressed.length).toBeGreaterThan(0);
    for (const a of suppressed) {
      expect(a.status.state).toBe('suppressed');
      expect(a.status.inhibitedBy.length).toBeGreaterThan(0);
    }
    // …and after several group intervals nothing about it was delivered anywhere.
    await new Promise((r) => setTimeout(r, 5000));
    const delivered = [
      ...pager.deliveries.flatMap((d) => (d.body as WebhookPayload).alerts),
      ...slack.deliveries.flatMap((d) => (d.body as SlackPayload).attachments.map((a) => ({ labels: { text: `${a.title} ${a.text}` } }))),
    ];
    expect(delivered.some((a) => 'slo_alert' in a.labels && a.labels.slo_alert === 'burn_rate' && a.labels.severity === 'P2' && a.labels.slo_objective === 'availability')).toBe(false);
    expect(slack.deliveries.some((d) => ((d.body as SlackPayload).attachments[0]?.title ?? '').includes('P2 kokino/availability'))).toBe(false);
  });

  it('healthy latency and inactive shadow mode deliver nothing', () => {
    const all = [...pager.deliveries.flatMap((d) => (d.body as WebhookPayload).alerts.map((a) => a.labels.slo_objective)), ...slack.deliveries.map((d) => (d.body as SlackPayload).attachments[0]?.title ?? '')];
    expect(all.some((x) => (x ?? "").includes('latency_p95') || (x ?? "").includes('shadow_correctness'))).toBe(false);
  });
});
