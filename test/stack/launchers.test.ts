import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startAlertmanager } from '../../src/stack/alertmanager.js';
import { StackReloadError, StackStartError } from '../../src/stack/errors.js';
import { freePort } from '../../src/stack/free-port.js';
import { localStackLauncher } from '../harness/local.js';
import { isPidAlive, liveManagedPids, ProcessStartError } from '../../src/stack/process.js';
import { prometheusConfig, startPrometheus } from '../../src/stack/prometheus.js';
import { trackStack, withAlertmanager, withPrometheus } from '../harness/stack.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

async function waitGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isPidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isPidAlive(pid);
}

describe('freePort', () => {
  it('returns a bindable loopback port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});

describe('prometheusConfig (pure)', () => {
  it('writes rule files, scrape configs, self scrape, alertmanagers and external labels', () => {
    const cfg = prometheusConfig(
      {
        ruleFiles: ['/r/a.yml'],
        scrapeConfigs: [{ job_name: 'x', static_configs: [{ targets: ['127.0.0.1:1'] }] }],
        scrapeSelf: true,
        alertmanagerUrls: ['http://127.0.0.1:9093', 'https://am.example:443/prefix/'],
        externalLabels: { cluster: 'test' },
        evaluationInterval: '5s',
      },
      '127.0.0.1:9999',
    );
    expect(cfg).toEqual({
      global: { scrape_interval: '15s', evaluation_interval: '5s', external_labels: { cluster: 'test' } },
      rule_files: ['/r/a.yml'],
      scrape_configs: [
        { job_name: 'x', static_configs: [{ targets: ['127.0.0.1:1'] }] },
        { job_name: 'prometheus', static_configs: [{ targets: ['127.0.0.1:9999'] }] },
      ],
      alerting: {
        alertmanagers: [
          { scheme: 'http', static_configs: [{ targets: ['127.0.0.1:9093'] }] },
          { scheme: 'https', static_configs: [{ targets: ['am.example:443'] }], path_prefix: '/prefix' },
        ],
      },
    });
  });
});

describe('Prometheus launcher', () => {
  const track = trackStack();

  it('starts on loopback with remote write and lifecycle enabled, reloads, and leaves nothing behind', async () => {
    const prom = track(await startPrometheus({ retention: '400d' }));
    expect(prom.url).toBe(`http://127.0.0.1:${prom.port}`);
    expect(isPidAlive(prom.pid)).toBe(true);

    const flags = (await (await fetch(`${prom.url}/api/v1/status/flags`)).json()) as { data: Record<string, string> };
    expect(flags.data['web.enable-remote-write-receiver']).toBe('true');
    expect(flags.data['web.enable-lifecycle']).toBe('true');
    expect(flags.data['storage.tsdb.retention.time']).toBe('400d');
    expect(flags.data['web.listen-address']).toBe(`127.0.0.1:${prom.port}`);

    await prom.reload();
    // A broken rule file makes reload fail with the server's answer.
    const rules = join(prom.dataDir, 'broken-rules.yml');
    await writeFile(rules, 'groups: [{name: g, rules: [{record: r, expr: "sum("}]}]\n');
    await writeFile(prom.configFile, `rule_files: [${JSON.stringify(rules)}]\n`);
    const reloadErr = await prom.reload().catch((e: unknown) => e);
    expect(reloadErr).toBeInstanceOf(StackReloadError);
    expect((reloadErr as StackReloadError).answer).toMatch(/failed to reload/);
    expect((reloadErr as StackReloadError).logTail).toMatch(/broken-rules\.yml/);
    expect(existsSync(prom.dataDir)).toBe(true);
    await prom.stop();
    expect(isPidAlive(prom.pid)).toBe(false);
    expect(existsSync(prom.dataDir)).toBe(false);
    expect(existsSync(prom.configFile)).toBe(false);
    expect(liveManagedPids()).not.toContain(prom.pid);
    await prom.stop(); // idempotent
  });

  it('keeps a caller-given data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agent-slo-test-data-'));
    try {
      const prom = track(await startPrometheus({ dataDir }));
      expect(prom.dataDir).toBe(dataDir);
      await prom.stop();
      expect(existsSync(dataDir)).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('stops the server when the test body throws', async () => {
    let pid = 0;
    await expect(
      withPrometheus({}, (prom) => {
        pid = prom.pid;
        expect(isPidAlive(pid)).toBe(true);
        return Promise.reject(new Error('boom inside the test body'));
      }),
    ).rejects.toThrow('boom inside the test body');
    expect(pid).toBeGreaterThan(0);
    expect(isPidAlive(pid)).toBe(false);
  });

  it('kills the server when the process that started it ends with a failed test', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-leak-'));
    try {
      const pidFile = join(dir, 'pid');
      const config = join(dir, 'vitest.leak.config.mjs');
      await writeFile(
        config,
        `export default { test: { root: ${JSON.stringify(repoRoot)}, include: ['test/stack/fixtures/leak-on-throw.fixture.ts'], pool: 'forks', testTimeout: 60000 } };\n`,
      );
      const vitestBin = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
      const child = spawn(process.execPath, [vitestBin, 'run', '--config', config], {
        cwd: repoRoot,
        env: { ...process.env, AGENT_SLO_PID_FILE: pidFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code, output).toBe(1); // the fixture test fails on purpose
      expect(output).toContain('deliberate failure with Prometheus still running');
      const [pidText, dataDir] = (await readFile(pidFile, 'utf8')).split('\n');
      const pid = Number(pidText);
      expect(pid).toBeGreaterThan(0);
      expect(await waitGone(pid), `prometheus pid ${pid} still running after the vitest run ended`).toBe(true);
      expect(existsSync(dataDir!)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a bad config with the server log lines', async () => {
    const err = await startPrometheus({ scrapeConfigs: [{ job_name: 'bad', not_a_field: 1 }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackStartError);
    expect((err as StackStartError).logTail).toMatch(/not_a_field/);
    expect(liveManagedPids()).toEqual([]);
  });

  it('reports a missing binary', async () => {
    const err = await startPrometheus({ binary: 'prometheus-does-not-exist' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessStartError);
    expect((err as Error).message).toContain('not found on PATH');
  });
});

describe('Alertmanager launcher', () => {
  it('starts with the minimal config, gossip off, and stops', async () => {
    let pid = 0;
    await withAlertmanager({}, async (am) => {
      pid = am.pid;
      expect(am.url).toBe(`http://127.0.0.1:${am.port}`);
      const status = (await (await fetch(`${am.url}/api/v2/status`)).json()) as {
        config: { original: string };
        cluster: { status: string };
      };
      expect(status.config.original).toContain('receiver: blackhole');
      expect(status.cluster.status).toBe('disabled');
    });
    expect(isPidAlive(pid)).toBe(false);
  });

  it('is reachable through the StackLauncher interface and accepts an alert', async () => {
    const am = await localStackLauncher.startAlertmanager({});
    try {
      const res = await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'LauncherTest' } }]),
      });
      expect(res.status).toBe(200);
      const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { labels: { alertname: string } }[];
      expect(alerts.map((a) => a.labels.alertname)).toContain('LauncherTest');
    } finally {
      await am.stop();
    }
    expect(isPidAlive(am.pid)).toBe(false);
  });

  it('rejects an invalid config with the log lines', async () => {
    const err = await startAlertmanager({ configYaml: 'route: {receiver: nowhere}\nreceivers: []\n' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StackStartError);
    expect((err as StackStartError).logTail).toMatch(/nowhere/);
  });
});
