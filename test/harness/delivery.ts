/**
 * The live delivery tests' shared setup (alert-delivery.test.ts, pipeline-delivery.test.ts): the generated rules with
 * a short-for overlay, and the generated Alertmanager config rendered for local sinks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { generateAlertmanager } from '../../src/generate/alertmanager/config.js';
import { renderAlertmanagerConfig } from '../../src/generate/alertmanager/render.js';
import type { Profile } from '../../src/profile/model.js';

/**
 * The test-only overlay: the generated rules with every alert's `for` set to 0s and every group evaluated every
 * second, so alerts reach Alertmanager in seconds. The real `for` durations and windows are proven by the generated
 * promtool tests; routing, payloads and inhibition do not depend on them.
 */
export function shortForOverlay(rulesYaml: string, what: string): string {
  const doc = parse(rulesYaml) as { groups: { interval?: string; rules: { alert?: string; for?: string }[] }[] };
  for (const g of doc.groups) {
    g.interval = '1s';
    for (const r of g.rules) if (r.alert !== undefined) r.for = '0s';
  }
  return `# TEST OVERLAY: ${what} with for: 0s and interval: 1s (test/harness/delivery.ts)\n${stringify(doc, { lineWidth: 0 })}`;
}

/**
 * The profile's generated Alertmanager config rendered as a deployment would (templates written to `dir`, Slack's
 * API URL file and the pager webhook pointing at the local sinks, 1s/2s group timing); returns the config text.
 */
export async function renderForSinks(profile: Profile, dir: string, sinks: { slack: string; pager: string }): Promise<string> {
  const [config, template] = generateAlertmanager(profile);
  await mkdir(join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'templates', 'agent-slo.tmpl'), template!.content);
  await writeFile(join(dir, 'slack_api_url'), `${sinks.slack}/services/T000/B000/XXXX\n`);
  return renderAlertmanagerConfig(
    config!.content,
    { [profile.notifications.webhookUrlEnv!]: `${sinks.pager}/pager` },
    { slackApiUrlFile: join(dir, 'slack_api_url'), templatesDir: join(dir, 'templates'), timing: { groupWait: '1s', groupInterval: '2s' } },
  );
}
