/**
 * `npm run demo` / `agent-slo demo`: the whole product on this machine in a few minutes. Generates the artifacts of
 * both shipped profiles, starts Alertmanager (generated routing, delivering to a local sink) and Prometheus (generated
 * rules, remote-write receiver on, scraping a live instrumented runtime), backfills 8 and 31 days of history with
 * recorded series, runs the release gate for a blocked, an approval-required and a passing scenario, degrades the
 * live runtime until alerts fire and are delivered, prints what to look at, and stops everything.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KOKINO_HEALTHY_OFFSET_SECONDS } from '../backfill/import-scenarios.js';
import { runBackfillCheck } from '../backfill/check.js';
import { renderCheckText } from '../backfill/check-report.js';
import { shippedProfilePath } from '../profile/shipped.js';
import { LABEL_ALERTNAME, LABEL_PROFILE } from '../conventions.js';
import { createPrometheusClient, type PrometheusClient } from '../prometheus/client.js';
import { bucketBoundaries } from '../generate/buckets.js';
import { loadProfile } from '../profile/load.js';
import { startAlertmanager } from '../stack/alertmanager.js';
import { startPrometheus } from '../stack/prometheus.js';
import type { RunningAlertmanager, RunningPrometheus } from '../stack/types.js';
import { generateProfileArtifacts, type ProfileArtifacts } from './artifacts.js';
import { SINK_PAGER_PATH, SINK_SLACK_PATH, writeDemoAlertmanagerConfig } from './alertmanager-config.js';
import { deliveredAlerts, firingAlerts, slackTitles } from './alerts.js';
import { runGateScenario, type GateOutcome, type GateScenario } from './gates.js';
import { buildHistory } from './history.js';
import { LIVE_FOR_SECONDS, LIVE_WINDOW_SECONDS, liveOverlayProfile } from './live-profile.js';
import { createInterruptScope, Interrupted } from './interrupt.js';
import { createProgress } from './progress.js';
import { startDemoRuntime, type DemoRuntime } from './runtime.js';
import { startSink, type NotificationSink } from './sink.js';
import { startDemoStatusPage } from './status-page.js';

export const DEMO_RUNTIME_JOB = 'agent-slo-demo-runtime';
const HOUR = 3600;

export interface DemoOptions {
  /** Working directory (kept); default a temp dir removed at the end. */
  readonly dir?: string;
  readonly keepRunning: boolean;
  /** Also run `backfill check` over the runtime-v1 history (default true). */
  readonly check: boolean;
  readonly version: string;
  readonly out: (line: string) => void;
  /** Resolves when the user asks to stop (Ctrl-C); used with keepRunning and to abort early. */
  readonly interrupted: Promise<void>;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly verdicts: readonly { readonly title: string; readonly verdict: string; readonly expected: string }[];
  readonly delivered: readonly string[];
  readonly seconds: number;
  readonly interrupted: boolean;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const progress = createProgress(opts.out, started);
  const scope = createInterruptScope(opts.interrupted);
  const { guard, wait } = scope;

  const ownDir = opts.dir === undefined;
  const dir = opts.dir !== undefined ? resolve(opts.dir) : await mkdtemp(join(tmpdir(), 'agent-slo-demo-'));
  const cleanups: (() => Promise<void>)[] = [];
  let prom: RunningPrometheus | undefined;
  let am: RunningAlertmanager | undefined;
  let sink: NotificationSink | undefined;
  let runtime: DemoRuntime | undefined;
  let client: PrometheusClient | undefined;
  const outcomes: GateOutcome[] = [];
  let delivered: string[] = [];
  let liveDelivered = false;

  try {
    opts.out(`agent-slo demo — working directory ${dir}${ownDir ? ' (removed at the end)' : ''}`);
    // Backfilled history ends 2 minutes ago (whole minutes); live data comes after it.
    const end = Math.floor(Date.now() / 1000 / 60) * 60 - 120;

    let done = progress.step('Generate artifacts for both shipped profiles (rules + promtool-ready groups, Alertmanager routing, Grafana dashboards)');
    const runtimeV1 = await loadProfile(shippedProfilePath('runtime-v1'), []);
    const kokino = await loadProfile(shippedProfilePath('kokino'), []);
    const live = liveOverlayProfile(runtimeV1, DEMO_RUNTIME_JOB);
    const gen = join(dir, 'generated');
    await mkdir(gen, { recursive: true });
    const artifacts: ProfileArtifacts[] = [
      await generateProfileArtifacts(gen, runtimeV1),
      await generateProfileArtifacts(gen, kokino),
      await generateProfileArtifacts(join(dir, 'live-overlay'), live, { live: true }),
    ];
    for (const a of artifacts) {
      const rules = a.ruleGroups.flatMap((g) => g.rules);
      const alerts = rules.filter((r) => 'alert' in r).length;
      progress.info(`${a.profile.name}: ${rules.length - alerts} recording + ${alerts} alerting rules, ${a.files} files → ${a.ruleFile.replace(`${dir}/`, '')}`);
    }
    progress.info(`${live.name} is a LIVE DEMO OVERLAY of runtime-v1: 1m windows, for ${LIVE_FOR_SECONDS}s, job="${DEMO_RUNTIME_JOB}" only (the shipped profile alerts over 24h after 15m)`);
    done();

    done = progress.step('Start the notification sink and Alertmanager with the generated routing');
    sink = await startSink();
    const sk = sink;
    cleanups.push(() => sk.close());
    const amDir = join(dir, 'alertmanager');
    await mkdir(amDir, { recursive: true });
    const amConfig = await writeDemoAlertmanagerConfig(amDir, artifacts, sink.url);
    am = await guard(startAlertmanager({ configFile: amConfig }), (late) => late.stop());
    const a = am;
    cleanups.push(() => a.stop());
    done(`Alertmanager ${am.url}, sink ${sink.url} (Slack ${SINK_SLACK_PATH}, pager ${SINK_PAGER_PATH})`);

    done = progress.step('Backfill history: runtime-v1 8 days, kokino 31 days (promtool blocks), then recorded series one rule level at a time');
    const dataDir = join(dir, 'prometheus-data');
    await mkdir(dataDir, { recursive: true });
    const history = await guard(
      buildHistory({
        dataDir,
        scenarios: ['runtime-v1-warning-streak', 'kokino-availability-incident'],
        endSeconds: end,
        ruleGroups: [...artifacts[0]!.ruleGroups, ...artifacts[1]!.ruleGroups],
        recordedSeconds: 6 * HOUR,
        info: (l) => progress.info(l),
        signal: scope.signal,
      }),
    );
    done(`${history.samples} raw samples in ${history.blocks} blocks; ${history.levels.length} rule levels over the last 6h (${history.levels.reduce((n, l) => n + l.blocks, 0)} blocks)`);

    done = progress.step('Start the live agent runtime (@agent-slo/instrumentation, Prometheus pull exporter) and Prometheus with the generated rules');
    // The runtime gets the bucket boundaries `agent-slo generate` writes (buckets.json), as a deployment would.
    runtime = await startDemoRuntime({ serviceName: DEMO_RUNTIME_JOB, buckets: bucketBoundaries([runtimeV1, kokino]) });
    const rt = runtime;
    cleanups.push(() => rt.stop());
    prom = await guard(
      startPrometheus({
        dataDir,
        ruleFiles: artifacts.map((a) => a.ruleFile),
        scrapeConfigs: [{ job_name: DEMO_RUNTIME_JOB, scrape_interval: '2s', static_configs: [{ targets: [runtime.target] }] }],
        alertmanagerUrls: [am.url],
        evaluationInterval: '5s',
      }),
      (late) => late.stop(),
    );
    const p = prom;
    cleanups.push(() => p.stop());
    client = createPrometheusClient({ url: prom.url, timeoutMs: 120_000 });
    const c = client;
    cleanups.push(() => c.close());
    done(`Prometheus ${prom.url} (remote-write receiver on: ${prom.url}/api/v1/write), runtime ${runtime.metricsUrl} (healthy phase)`);

    done = progress.step('Release gate, one decision per scenario (reproducible with --at; each recorded in the audit log)');
    const auditLog = join(dir, 'audit.jsonl');
    const at = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
    const scenarios: GateScenario[] = [
      {
        title: 'A. kokino now — availability fell to 50% for the last 10 hours',
        profile: kokino,
        at: end,
        expected: 'blocked',
        command: `agent-slo gate --profile kokino --prometheus-url ${prom.url} --at ${at(end)}`,
      },
      {
        title: 'B. runtime-v1 now — escalation rate 7.5% (warning > 6%) for 3.5 days',
        profile: runtimeV1,
        at: end,
        expected: 'approval_required',
        command: `agent-slo gate --profile runtime-v1 --prometheus-url ${prom.url} --at ${at(end)}`,
      },
      {
        title: 'C. kokino 18 hours ago — before the incident',
        profile: kokino,
        at: end - KOKINO_HEALTHY_OFFSET_SECONDS,
        expected: 'pass',
        command: `agent-slo gate --profile kokino --prometheus-url ${prom.url} --at ${at(end - KOKINO_HEALTHY_OFFSET_SECONDS)}`,
      },
    ];
    for (const s of scenarios) outcomes.push(await guard(runGateScenario(s, c, auditLog, opts.version, (l) => progress.info(l))));
    done(outcomes.map((o) => `${o.scenario.title.slice(0, 1)} ${o.report.verdict}`).join(', '));

    const page = await guard(startDemoStatusPage([kokino, runtimeV1, live], prom.url, auditLog, opts.version), (late) => late.close());
    cleanups.push(() => page.close());
    progress.info(`SLO status page (agent-slo serve): ${page.url}/  — objectives, burn-down, alerts, gate history`);

    if (opts.check) {
      done = progress.step('Backfill check: which alerts would have fired, day by day, over runtime-v1\'s last 3 days');
      const report = await guard(runBackfillCheck({ profile: runtimeV1, client: c, from: end - 3 * 86_400, to: end, stepSeconds: 900, gate: false }));
      for (const line of renderCheckText(report).trimEnd().split('\n')) progress.info(line);
      done();
    }

    done = progress.step(`Live traffic: healthy phase, then the tool backend degrades; alerts fire in Prometheus and Alertmanager delivers them`);
    const liveAlert = 'SLOToolSuccessRateCritical';
    await wait(Math.max(0, 12_000));
    const before = (await guard(firingAlerts(prom))).filter((a) => a.labels[LABEL_PROFILE] === live.name);
    progress.info(`healthy phase: ${runtime.tasks()} tasks, live overlay alerts firing: ${before.length === 0 ? 'none' : before.map((a) => a.labels[LABEL_ALERTNAME]).join(', ')}`);
    runtime.degrade();
    progress.info(`degraded phase from ${progress.elapsed().toFixed(0)}s: 30% of "search" tool calls fail (critical < 95% over the overlay's ${LIVE_WINDOW_SECONDS}s window)`);
    const deadline = Date.now() + 100_000;
    let seenFiring = false;
    for (;;) {
      const alerts = await guard(firingAlerts(prom));
      const liveFiring = alerts.some((a) => a.labels[LABEL_PROFILE] === live.name && a.labels[LABEL_ALERTNAME] === liveAlert && a.state === 'firing');
      if (liveFiring && !seenFiring) {
        seenFiring = true;
        progress.info(`Prometheus: ${liveAlert}{slo_profile="${live.name}"} firing at ${progress.elapsed().toFixed(0)}s`);
      }
      const got = deliveredAlerts(sink.deliveries);
      liveDelivered = got.some((g) => g.alerts.some((a) => a.labels[LABEL_ALERTNAME] === liveAlert && a.labels[LABEL_PROFILE] === live.name));
      const kokinoDelivered = got.some((g) => g.alerts.some((a) => a.labels[LABEL_PROFILE] === kokino.name));
      if ((liveDelivered && kokinoDelivered) || Date.now() > deadline) break;
      await wait(1000);
    }
    const firing = (await guard(firingAlerts(prom))).filter((a) => a.state === 'firing');
    progress.info(`firing in Prometheus now: ${firing.map((a) => `${a.labels[LABEL_ALERTNAME] ?? '?'}{${a.labels[LABEL_PROFILE] ?? ''}}`).join(', ') || 'none'}`);
    delivered = [...new Set(deliveredAlerts(sink.deliveries).flatMap((g) => g.alerts.map((a) => `${a.labels[LABEL_ALERTNAME] ?? '?'} → ${g.receiver}`)))];
    for (const d of delivered) progress.info(`delivered (pager webhook): ${d}`);
    for (const t of [...new Set(slackTitles(sink.deliveries))].slice(0, 6)) progress.info(`delivered (Slack): ${t}`);
    done(liveDelivered ? `${sink.deliveries.length} notifications received by the sink` : `the live alert was NOT delivered within 100 s`);

    const ok = outcomes.every((o) => o.ok) && liveDelivered;
    opts.out('');
    opts.out('Where to look:');
    opts.out(`  SLO status page      ${page.url}/  (agent-slo serve: overview, charts, alerts, gate history and dry run)`);
    opts.out(`  Prometheus alerts    ${prom.url}/alerts`);
    opts.out(`  Prometheus rules     ${prom.url}/rules`);
    opts.out(`  SLI over 1h          ${prom.url}/graph?g0.expr=${encodeURIComponent('agent_slo:sli{slo_profile="kokino",slo_objective="availability"}')}&g0.range_input=6h`);
    opts.out(`  Alertmanager         ${am.url}/#/alerts`);
    opts.out(`  live runtime         ${runtime.metricsUrl}`);
    opts.out(`  generated artifacts  ${gen}`);
    opts.out(`  audit log            ${auditLog}  (agent-slo audit verify --audit-log ${auditLog})`);
    opts.out('');
    opts.out(`Verdicts: ${outcomes.map((o) => `${o.scenario.profile.name}@${o.scenario.at === end ? 'now' : '-18h'} ${o.report.verdict}`).join(' · ')}`);
    opts.out(`Demo ${ok ? 'OK' : 'FAILED'}: ${outcomes.filter((o) => o.ok).length}/${outcomes.length} verdicts as expected, live alert ${liveDelivered ? 'delivered' : 'not delivered'} (${progress.elapsed().toFixed(0)} s)`);
    if (opts.keepRunning) {
      opts.out('--keep-running: the stack stays up; press Ctrl-C to stop it.');
      await scope.untilStopped();
    }
    return {
      ok,
      verdicts: outcomes.map((o) => ({ title: o.scenario.title, verdict: o.report.verdict, expected: o.scenario.expected })),
      delivered,
      seconds: progress.elapsed(),
      interrupted: scope.interrupted(),
    };
  } catch (err) {
    if (err instanceof Interrupted) {
      opts.out('interrupted: stopping the demo stack');
      return { ok: false, verdicts: outcomes.map((o) => ({ title: o.scenario.title, verdict: o.report.verdict, expected: o.scenario.expected })), delivered, seconds: progress.elapsed(), interrupted: true };
    }
    throw err;
  } finally {
    const t = Date.now();
    await scope.settled();
    const pids = [prom !== undefined ? `prometheus ${prom.pid}` : '', am !== undefined ? `alertmanager ${am.pid}` : ''].filter(Boolean).join(', ');
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // keep stopping the rest
      }
    }
    if (ownDir) await rm(dir, { recursive: true, force: true });
    opts.out(`stopped: Prometheus, Alertmanager, runtime and sink (${((Date.now() - t) / 1000).toFixed(1)} s; pids ${pids || 'none'})`);
  }
}
