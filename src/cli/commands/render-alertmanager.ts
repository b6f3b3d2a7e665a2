/**
 * `agent-slo render-alertmanager CONFIG [--out FILE]`: the deploy step for a generated Alertmanager config. Fills
 * webhook URLs from the environment (Alertmanager 0.25 cannot read them itself), resolves the template glob to an
 * absolute path next to CONFIG, and optionally points Slack's api_url_file elsewhere. The output holds secrets: it
 * is written with mode 0600 and must not be committed.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../output.js';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { AlertmanagerRenderError, renderAlertmanagerConfig, requiredEnv } from '../../generate/alertmanager/render.js';

interface Options {
  out?: string;
  slackApiUrlFile?: string;
  templatesDir?: string;
}

export function renderAlertmanagerCommand(io: Io, env: NodeJS.ProcessEnv = process.env): Command {
  return new Command('render-alertmanager')
    .description('render a generated Alertmanager config for deployment: webhook URLs from the environment, absolute template paths')
    .argument('<config>', 'generated config, e.g. alertmanager/kokino/alertmanager.yml')
    .option('-o, --out <file>', 'write here (atomically, mode 0600) instead of stdout; - is stdout')
    .option('--slack-api-url-file <path>', "replace every Slack api_url_file (the file holding the Slack webhook URL)")
    .option('--templates-dir <dir>', 'directory of the template files (default: templates/ next to <config>)')
    .action(async (config: string, opts: Options) => {
      let text: string;
      try {
        text = await readFile(config, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${config}: ${(err as Error).message}`);
      }
      let rendered: string;
      try {
        rendered = renderAlertmanagerConfig(text, env, {
          templatesDir: resolve(opts.templatesDir ?? resolve(dirname(config), 'templates')),
          ...(opts.slackApiUrlFile === undefined ? {} : { slackApiUrlFile: opts.slackApiUrlFile }),
        });
      } catch (err) {
        if (err instanceof AlertmanagerRenderError) throw new UsageError(`${config}: ${err.message}`);
        throw err;
      }
      if (opts.out === undefined || opts.out === '-') {
        io.out(rendered.replace(/\n$/, ''));
        return;
      }
      await writeFileAtomic(opts.out, rendered, { mode: 0o600 });
      const vars = requiredEnv(text);
      io.err(`rendered ${config} → ${opts.out}${vars.length === 0 ? '' : ` (webhook URLs from ${vars.map((v) => `$${v}`).join(', ')})`}`);
    });
}
