/**
 * The StackLauncher contract: the same assertions against every launcher (test/harness/local.ts, containers.ts),
 * whatever runs the components (describe.each). The local launcher always runs (the Debian binaries; its collector
 * test needs the built collector). The container launcher (testcontainers 11, images pinned in
 * test/harness/images.ts) runs only when a Docker engine is reachable, found by testcontainers' own strategy
 * (DOCKER_HOST, ~/.testcontainers.properties, the Docker socket, rootless Docker); CI has no engine (only the docker
 * client), so there it is skipped with the reason printed.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { promCounter } from '../../src/conventions.js';
import { METRIC_AGENT_TASKS } from '../../instrumentation/src/semconv.js';
import type { RunningCollector } from '../harness/collector.js';
import type { RunningAlertmanager, RunningPrometheus } from '../../src/stack/types.js';
import { scenarioTotals, startTestRuntime } from '../harness/otel-test-runtime.js';
import { eventually, instant } from '../harness/prom-query.js';
import { liveManagedPids } from '../../src/stack/process.js';
import { collectorBinary } from '../harness/binaries.js';
import { containerStackLauncher, detectDockerEngine, liveContainerIds } from '../harness/containers.js';
import { goBuilt } from '../harness/go-built.js';
import type { StackLauncher } from '../harness/launcher.js';
import { localStackLauncher } from '../harness/local.js';

interface LauncherContractOptions {
  /** Whatever the launcher still has running (pids, container ids): must be empty after every test. */
  leftovers(): Promise<string[]>;
  /** Set when the collector cannot run with this launcher here; the collector test is skipped with this reason. */
  collectorSkipReason?: string;
}

const RECORD = 'agent_slo_contract:one';
const ALERT = 'AgentSloContractAlert';
const RULES = `groups:
  - name: agent-slo-contract
    interval: 1s
    rules:
      - record: ${RECORD}
        expr: vector(1)
      - alert: ${ALERT}
        expr: vector(1) > 0
        labels:
          severity: test
        annotations:
          summary: launcher contract
`;

/** True when nothing accepts connections at `url` any more. */
async function closed(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return false;
  } catch {
    return true;
  }
}

async function amAlerts(am: RunningAlertmanager): Promise<{ labels: Record<string, string>; annotations: Record<string, string> }[]> {
  const res = await fetch(`${am.url}/api/v2/alerts`, { signal: AbortSignal.timeout(5_000) });
  return (await res.json()) as { labels: Record<string, string>; annotations: Record<string, string> }[];
}

const collectorSkipReason = (await goBuilt(() => collectorBinary())).missingReason;
if (collectorSkipReason !== undefined) console.warn(`[skipped] local launcher collector contract: ${collectorSkipReason}`);
const engine = await detectDockerEngine();
if (engine.available) console.info(`container launcher contract: Docker engine ${engine.description}`);
else {
  console.warn(`[skipped] container launcher contract: ${engine.reason}`);
  describe.skip(`StackLauncher contract (containers) — skipped: ${engine.reason}`, () => {
    it('needs a Docker engine', () => undefined);
  });
}

const LAUNCHERS: { launcher: StackLauncher; options: LauncherContractOptions }[] = [
  {
    launcher: localStackLauncher,
    options: {
      leftovers: () => Promise.resolve(liveManagedPids().map((pid) => `pid ${pid}`)),
      ...(collectorSkipReason !== undefined ? { collectorSkipReason } : {}),
    },
  },
  ...(engine.available
    ? [
        {
          launcher: containerStackLauncher,
          options: {
            leftovers: async () => {
              // Containers this launcher started that Docker still knows about (running or stopped-but-not-removed).
              const { getContainerRuntimeClient } = await import('testcontainers');
              const client = await getContainerRuntimeClient();
              const ours = new Set(liveContainerIds());
              const all = await client.container.dockerode.listContainers({ all: true, filters: { label: ['org.agent-slo.component'] } });
              return [...new Set([...ours, ...all.map((c) => c.Id)])].map((id) => `container ${id.slice(0, 12)}`);
            },
          },
        },
      ]
    : []),
];

describe.each(LAUNCHERS.map((l) => ({ ...l, kind: l.launcher.kind })))('StackLauncher contract ($kind)', ({ launcher, options }) => {
  let dir = '';
  let ruleFile = '';
  const started: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(thing: T): T => {
    started.push(thing);
    return thing;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-slo-contract-'));
    ruleFile = join(dir, 'contract.rules.yml');
    await writeFile(ruleFile, RULES, 'utf8');
  });
  afterEach(async () => {
    for (const thing of started.splice(0).reverse()) await thing.stop();
    expect(await options.leftovers(), `${launcher.kind}: left running after the test`).toEqual([]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Prometheus: loads a rule file, evaluates it, scrapes a loopback target, stops and leaves nothing', async () => {
    const prom: RunningPrometheus = track(
      await launcher.startPrometheus({ ruleFiles: [ruleFile], scrapeSelf: true, scrapeInterval: '1s', evaluationInterval: '1s' }),
    );
    expect(prom.url).toBe(`http://127.0.0.1:${prom.port}`);
    const rules = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; file: string; rules: { name: string; health: string }[] }[] };
    };
    expect(rules.data.groups.map((g) => [g.name, g.file])).toEqual([['agent-slo-contract', ruleFile]]);
    const recorded = await eventually(() => instant(prom.url, RECORD), (s) => s.length === 1, 30_000, `${RECORD} recorded`);
    expect(recorded[0]!.value).toBe(1);
    // Its own /metrics on 127.0.0.1:<port>: loopback targets mean the same for every launcher.
    const up = await eventually(() => instant(prom.url, 'up{job="prometheus"}'), (s) => s[0]?.value === 1, 30_000, 'self scrape up');
    expect(up[0]!.metric.instance).toBe(`127.0.0.1:${prom.port}`);

    await prom.reload();
    await prom.stop();
    await prom.stop(); // idempotent
    expect(await closed(`${prom.url}/-/ready`)).toBe(true);
    expect(existsSync(prom.dataDir)).toBe(false);
    expect(existsSync(prom.configFile)).toBe(false);
    expect(existsSync(ruleFile)).toBe(true); // never touches the caller's files
  });

  it('Alertmanager: accepts an alert, returns it, stops and leaves nothing', async () => {
    const am = track(await launcher.startAlertmanager({}));
    expect(am.url).toBe(`http://127.0.0.1:${am.port}`);
    const res = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'LauncherContract', kind: launcher.kind }, annotations: { summary: 'posted' } }]),
    });
    expect(res.status).toBe(200);
    const alerts = await amAlerts(am);
    expect(alerts.map((a) => [a.labels.alertname, a.labels.kind, a.annotations.summary])).toEqual([
      ['LauncherContract', launcher.kind, 'posted'],
    ]);
    await am.stop();
    await am.stop();
    expect(await closed(`${am.url}/-/ready`)).toBe(true);
  });

  it('Prometheus delivers the firing alert of its rule file to the Alertmanager it was given', async () => {
    const am = track(await launcher.startAlertmanager({}));
    // The first evaluations can run before the notifier has discovered the Alertmanager; resend every second.
    track(
      await launcher.startPrometheus({
        ruleFiles: [ruleFile],
        evaluationInterval: '1s',
        alertmanagerUrls: [am.url],
        extraArgs: ['--rules.alert.resend-delay=1s'],
      }),
    );
    const alerts = await eventually(
      () => amAlerts(am),
      (a) => a.some((x) => x.labels.alertname === ALERT),
      30_000,
      `${ALERT} in Alertmanager`,
    );
    const alert = alerts.find((x) => x.labels.alertname === ALERT)!;
    expect(alert.labels.severity).toBe('test');
    expect(alert.annotations.summary).toBe('launcher contract');
  });

  it('stops what it started when the test body fails', async () => {
    let url = '';
    const body = async (): Promise<void> => {
      const am = await launcher.startAlertmanager({});
      try {
        url = am.url;
        throw new Error('deliberate failure inside the body');
      } finally {
        await am.stop();
      }
    };
    await expect(body()).rejects.toThrow('deliberate failure inside the body');
    expect(await closed(`${url}/-/ready`)).toBe(true);
  });

  it.skipIf(launcher.startCollector === undefined || options.collectorSkipReason !== undefined)(
    `collector: OTLP in, remote write into Prometheus, restart on the same ports${options.collectorSkipReason ? ` [skipped: ${options.collectorSkipReason}]` : ''}`,
    async () => {
      const prom = track(await launcher.startPrometheus({}));
      const collector: RunningCollector = track(await launcher.startCollector!({ remoteWriteUrl: `${prom.url}/api/v1/write` }));
      const health = await fetch(collector.healthUrl);
      expect(health.status).toBe(200);

      const runtime = await startTestRuntime({ otlpMetricsUrl: `${collector.otlpHttpUrl}/v1/metrics`, exportIntervalMs: 60_000 });
      track({ stop: () => runtime.shutdown() });
      runtime.recordScenario();
      await runtime.flush();
      const expected = scenarioTotals(1);
      const tasks = `sum(${promCounter(METRIC_AGENT_TASKS)})`;
      await eventually(
        () => instant(prom.url, tasks),
        (s) => s[0]?.value === expected.tasksSuccess + expected.tasksFailure,
        30_000,
        `${tasks} through the collector`,
      );

      const before = collector.otlpHttpUrl;
      await collector.restart();
      expect(collector.otlpHttpUrl).toBe(before);
      expect((await fetch(collector.healthUrl)).status).toBe(200);
      runtime.recordScenario(1);
      await runtime.flush();
      await eventually(
        () => instant(prom.url, tasks),
        (s) => s[0]?.value === 2 * (expected.tasksSuccess + expected.tasksFailure),
        30_000,
        `${tasks} after the collector restart`,
      );
      await collector.stop();
      expect(await closed(collector.healthUrl)).toBe(true);
    },
  );
});
