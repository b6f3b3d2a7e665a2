import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackStartError } from './errors.js';
import { freePort } from './free-port.js';
import { registerExitCleanup, spawnManaged } from './process.js';
import { exitDescription, waitForReady } from './ready.js';
import type { AlertmanagerOptions, RunningAlertmanager } from './types.js';

const START_ATTEMPTS = 3;

/** A config that accepts alerts and sends them nowhere. */
export const MINIMAL_ALERTMANAGER_CONFIG = `route:
  receiver: blackhole
receivers:
  - name: blackhole
`;

/**
 * Starts Alertmanager on 127.0.0.1:<free port>, gossip disabled (`--cluster.listen-address=`), storage in a temp
 * dir, and waits for /-/ready. Always call stop() (also done automatically when this Node process ends).
 */
export async function startAlertmanager(opts: AlertmanagerOptions = {}): Promise<RunningAlertmanager> {
  const binary = opts.binary ?? 'prometheus-alertmanager';
  const dir = await mkdtemp(join(tmpdir(), 'agent-slo-am-'));
  const unregister = registerExitCleanup(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  const cleanup = (): Promise<void> => {
    unregister();
    return rm(dir, { recursive: true, force: true });
  };
  try {
    let configFile = opts.configFile;
    if (configFile === undefined) {
      configFile = join(dir, 'alertmanager.yml');
      await writeFile(configFile, opts.configYaml ?? MINIMAL_ALERTMANAGER_CONFIG, 'utf8');
    }
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const listen = `127.0.0.1:${port}`;
      const url = `http://${listen}`;
      const proc = await spawnManaged({
        name: 'alertmanager',
        command: binary,
        args: [
          `--config.file=${configFile}`,
          `--storage.path=${join(dir, 'data')}`,
          `--web.listen-address=${listen}`,
          '--cluster.listen-address=',
          ...(opts.extraArgs ?? []),
        ],
        ...(opts.onLogLine ? { onLine: opts.onLogLine } : {}),
      });
      const outcome = await waitForReady(proc, `${url}/-/ready`, opts.readyTimeoutMs ?? 30_000);
      if (!outcome.ok) {
        if (outcome.addressInUse && attempt < START_ATTEMPTS) continue;
        throw new StackStartError('alertmanager', `${exitDescription(proc)} before becoming ready`, proc.logs());
      }
      let stopped: Promise<void> | undefined;
      const file = configFile;
      return {
        url,
        port,
        pid: proc.pid,
        configFile: file,
        logs: () => proc.logs(),
        stop: () => {
          stopped ??= proc.stop().then(cleanup);
          return stopped;
        },
      };
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
}
