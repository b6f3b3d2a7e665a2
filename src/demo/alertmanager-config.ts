/**
 * Demo step: one Alertmanager config from the generated per-profile configs, rendered for this machine: webhook
 * (pager) URLs and the Slack URL file point at the local sink, timings are short. Each profile's generated route
 * tree is kept as is under the root (they match on slo_profile), so routing is exactly the generated one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { renderAlertmanagerConfig } from '../generate/alertmanager/render.js';
import type { ProfileArtifacts } from './artifacts.js';

interface Receiver {
  name: string;
}
interface AmConfig {
  route: { receiver: string; routes?: unknown[]; [k: string]: unknown };
  receivers: Receiver[];
  inhibit_rules?: unknown[];
  templates?: string[];
}

export const SINK_SLACK_PATH = '/slack';
export const SINK_PAGER_PATH = '/pager';

/** Writes `alertmanager.yml` (and the Slack URL file) into `dir`; returns the config path. */
export async function writeDemoAlertmanagerConfig(dir: string, profiles: readonly ProfileArtifacts[], sinkUrl: string): Promise<string> {
  const slackUrlFile = join(dir, 'slack_api_url');
  await writeFile(slackUrlFile, `${sinkUrl}${SINK_SLACK_PATH}\n`, { encoding: 'utf8', mode: 0o600 });
  const configs: AmConfig[] = [];
  for (const p of profiles) {
    const env: Record<string, string> = {};
    const urlEnv = p.profile.notifications.webhookUrlEnv;
    if (urlEnv !== undefined) env[urlEnv] = `${sinkUrl}${SINK_PAGER_PATH}`;
    const rendered = renderAlertmanagerConfig(await readFile(p.alertmanagerConfig, 'utf8'), env, {
      slackApiUrlFile: slackUrlFile,
      templatesDir: dirname(p.alertmanagerTemplate),
      timing: { groupWait: '1s', groupInterval: '5s', repeatInterval: '1h' },
    });
    configs.push(parse(rendered) as AmConfig);
  }
  const first = configs[0];
  if (first === undefined) throw new Error('no profile to route');
  const receivers = new Map<string, Receiver>();
  for (const c of configs) for (const r of c.receivers) if (!receivers.has(r.name)) receivers.set(r.name, r);
  const merged: AmConfig = {
    route: { ...first.route, routes: configs.flatMap((c) => c.route.routes ?? []) },
    inhibit_rules: configs.flatMap((c) => c.inhibit_rules ?? []),
    receivers: [...receivers.values()],
    templates: first.templates ?? [],
  };
  const file = join(dir, 'alertmanager.yml');
  await writeFile(file, `# agent-slo demo: the generated configs of ${profiles.map((p) => p.profile.name).join(', ')}, rendered for the local sink\n${stringify(merged, { lineWidth: 0 })}`, 'utf8');
  return file;
}
