/**
 * Alertmanager configuration per profile, routed by document 002's ownership matrix: every objective's alerts go
 * to its owner in its own channel; escalation alerts go to the escalation target (the lead) in that channel; the
 * profile's page severities additionally page the owner (or the lead, for escalations) through the generic webhook
 * receiver (`continue: true`). Lower severities of one objective are inhibited while a higher one fires.
 * Pure: returns files, does no I/O. Secrets never appear: Slack reads `api_url_file`, webhook URLs are placeholders
 * that `renderAlertmanagerConfig` fills from the environment at deploy time.
 */
import { stringify } from 'yaml';
import {
  ALERT_KIND_BUDGET_EXHAUSTED,
  ALERT_KIND_ESCALATION,
  AM_RECEIVER_HEARTBEAT,
  WATCHDOG_ALERT,
  AM_RECEIVER_UNROUTED,
  AM_TEMPLATE_FILE,
  LABEL_ALERT_KIND,
  LABEL_ALERTNAME,
  LABEL_ESCALATION,
  LABEL_OBJECTIVE,
  LABEL_PROFILE,
  LABEL_SEVERITY,
  LABEL_WATCHDOG,
  amEnvPlaceholderUrl,
  amPagerReceiver,
  amSlackReceiver,
} from '../../conventions.js';
import { commentLine, escapeRegex, goTemplateLiteral } from '../../escape.js';
import { promDuration } from '../../format.js';
import type { Objective, Profile } from '../../profile/model.js';
import { AM_TEMPLATES, renderTemplateFile, useTemplate } from './template.js';
import { severityOrder } from './severity.js';
import { GENERATED_NOTICE, type GeneratedFile } from '../types.js';

/** Alertmanager's default group_interval; kept explicit so the generated file says what it does. */
const GROUP_INTERVAL_SECONDS = 300;

/** Labels alerts are grouped by: one notification thread per objective, alert and severity. */
export const AM_GROUP_BY = [LABEL_PROFILE, LABEL_OBJECTIVE, LABEL_ALERTNAME, LABEL_SEVERITY] as const;

export interface AmRoute {
  receiver: string;
  matchers?: string[];
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: AmRoute[];
}

export interface AmReceiver {
  name: string;
  slack_configs?: Record<string, unknown>[];
  webhook_configs?: Record<string, unknown>[];
}

export interface AmInhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

export interface AlertmanagerConfig {
  route: AmRoute;
  inhibit_rules: AmInhibitRule[];
  receivers: AmReceiver[];
  templates: string[];
}

/** What one objective's alerts should reach, per document 002's matrix: used by the config and by tests. */
export interface ObjectiveRouting {
  objective: string;
  /** Receiver of every alert of the objective (owner, own channel). */
  owner: string;
  /** Receiver that additionally gets page severities, when paging is configured. */
  ownerPager?: string;
  escalation?: { to: string; receiver: string; pager?: string; severity: string };
}

const q = (v: string): string => JSON.stringify(v);
const eq = (label: string, value: string): string => `${label}=${q(value)}`;
const oneOf = (label: string, values: readonly string[]): string =>
  values.length === 1 ? eq(label, values[0]!) : `${label}=~${q(values.map(escapeRegex).join('|'))}`;

function pagingEnabled(profile: Profile): boolean {
  return profile.notifications.webhookUrlEnv !== undefined && profile.notifications.pageSeverities.length > 0;
}

/** The receivers an objective's alerts reach (document 002's ownership matrix, as the config implements it). */
export function objectiveRouting(profile: Profile, o: Objective): ObjectiveRouting {
  const paging = pagingEnabled(profile);
  const e = o.escalation;
  const escalationPaged = e !== undefined && paging && profile.notifications.pageSeverities.includes(e.severity);
  return {
    objective: o.name,
    owner: amSlackReceiver(o.owner, o.channel),
    ...(paging ? { ownerPager: amPagerReceiver(o.owner) } : {}),
    ...(e === undefined
      ? {}
      : {
          escalation: {
            to: e.to,
            receiver: amSlackReceiver(e.to, o.channel),
            severity: e.severity,
            ...(escalationPaged ? { pager: amPagerReceiver(e.to) } : {}),
          },
        }),
  };
}

function objectiveRoutes(profile: Profile, o: Objective): AmRoute[] {
  const r = objectiveRouting(profile, o);
  const page = profile.notifications.pageSeverities;
  const base = [eq(LABEL_OBJECTIVE, o.name)];
  const routes: AmRoute[] = [];
  if (r.escalation !== undefined) {
    const esc = [...base, eq(LABEL_ALERT_KIND, ALERT_KIND_ESCALATION), eq(LABEL_ESCALATION, r.escalation.to)];
    if (r.escalation.pager !== undefined) {
      routes.push({ receiver: r.escalation.pager, matchers: [...esc, oneOf(LABEL_SEVERITY, page)], continue: true });
    }
    routes.push({ receiver: r.escalation.receiver, matchers: esc });
  }
  if (r.ownerPager !== undefined) routes.push({ receiver: r.ownerPager, matchers: [...base, oneOf(LABEL_SEVERITY, page)], continue: true });
  routes.push({ receiver: r.owner, matchers: base });
  return routes;
}

function slackReceiver(profile: Profile, name: string, channel: string | undefined): AmReceiver {
  const file = profile.notifications.slackApiUrlFile;
  return {
    name,
    slack_configs: [
      {
        send_resolved: true,
        ...(file === undefined ? {} : { api_url_file: file }),
        ...(channel === undefined ? {} : { channel: goTemplateLiteral(channel) }),
        title: useTemplate(AM_TEMPLATES.title),
        title_link: useTemplate(AM_TEMPLATES.runbook),
        text: useTemplate(AM_TEMPLATES.text),
        color: useTemplate(AM_TEMPLATES.color),
        footer: useTemplate(AM_TEMPLATES.footer),
      },
    ],
  };
}

function pagerReceiver(profile: Profile, name: string): AmReceiver {
  const env = profile.notifications.webhookUrlEnv;
  if (env === undefined) throw new Error(`profile ${profile.name}: a pager receiver needs notifications.webhook.urlEnv`);
  return { name, webhook_configs: [{ send_resolved: true, url: amEnvPlaceholderUrl(env), max_alerts: 0 }] };
}

/** Inhibition: per objective, every severity mutes the lower ones; escalations are never muted, exhausted budgets mute nothing. */
export function inhibitRules(profile: Profile): AmInhibitRule[] {
  const order = severityOrder(profile);
  const rules: AmInhibitRule[] = [];
  for (let i = 0; i < order.length - 1; i++) {
    rules.push({
      source_matchers: [eq(LABEL_PROFILE, profile.name), eq(LABEL_SEVERITY, order[i]!), `${LABEL_ALERT_KIND}!=${q(ALERT_KIND_BUDGET_EXHAUSTED)}`],
      target_matchers: [eq(LABEL_PROFILE, profile.name), oneOf(LABEL_SEVERITY, order.slice(i + 1)), `${LABEL_ALERT_KIND}!=${q(ALERT_KIND_ESCALATION)}`],
      equal: [LABEL_PROFILE, LABEL_OBJECTIVE],
    });
  }
  return rules;
}

/** The config as data (tests read it; `generateAlertmanager` writes it). */
export function alertmanagerConfig(profile: Profile): AlertmanagerConfig {
  const receivers = new Map<string, AmReceiver>();
  const add = (r: AmReceiver): void => {
    if (!receivers.has(r.name)) receivers.set(r.name, r);
  };
  add(slackReceiver(profile, AM_RECEIVER_UNROUTED, undefined));
  add({ name: AM_RECEIVER_HEARTBEAT });
  const routes: AmRoute[] = [];
  for (const o of profile.objectives) {
    const r = objectiveRouting(profile, o);
    add(slackReceiver(profile, r.owner, o.channel));
    if (r.ownerPager !== undefined) add(pagerReceiver(profile, r.ownerPager));
    if (r.escalation !== undefined) {
      add(slackReceiver(profile, r.escalation.receiver, o.channel));
      if (r.escalation.pager !== undefined) add(pagerReceiver(profile, r.escalation.pager));
    }
    routes.push(...objectiveRoutes(profile, o));
  }
  const n = profile.notifications;
  return {
    route: {
      receiver: AM_RECEIVER_UNROUTED,
      group_by: [...AM_GROUP_BY],
      group_wait: promDuration(n.groupWaitSeconds),
      group_interval: promDuration(GROUP_INTERVAL_SECONDS),
      repeat_interval: promDuration(n.repeatIntervalSeconds),
      routes: [
        // The Watchdog goes to the heartbeat receiver only, re-sent every minute so its absence is noticed quickly.
        { receiver: AM_RECEIVER_HEARTBEAT, matchers: [eq(LABEL_ALERTNAME, WATCHDOG_ALERT), eq(LABEL_WATCHDOG, profile.name)], group_wait: '0s', group_interval: '1m', repeat_interval: '1m' },
        { receiver: AM_RECEIVER_UNROUTED, matchers: [eq(LABEL_PROFILE, profile.name)], routes },
      ],
    },
    inhibit_rules: inhibitRules(profile),
    receivers: [...receivers.values()],
    templates: [`templates/${AM_TEMPLATE_FILE}`],
  };
}

/** Paths of the generated files, relative to the repository root. */
export function alertmanagerPaths(profileName: string): { config: string; template: string } {
  return { config: `alertmanager/${profileName}/alertmanager.yml`, template: `alertmanager/${profileName}/templates/${AM_TEMPLATE_FILE}` };
}

/** `alertmanager/<profile>/alertmanager.yml` and its template file. */
export function generateAlertmanager(profile: Profile): GeneratedFile[] {
  const paths = alertmanagerPaths(profile.name);
  const env = profile.notifications.webhookUrlEnv;
  const header = [
    `# ${GENERATED_NOTICE}`,
    `# Profile: ${profile.name} (${commentLine(profile.title)})`,
    '# Routing follows the ownership matrix: owner + channel per objective, escalations to the lead, page severities',
    `# (${profile.notifications.pageSeverities.join(', ') || 'none'}) additionally page through the webhook receiver.`,
    ...(env === undefined
      ? []
      : [
          `# Webhook URLs are placeholders: deploy with \`agent-slo render-alertmanager\`, which fills them from $${env}.`,
          '# Slack URLs are read from api_url_file at send time; no secret is in this file.',
        ]),
    '',
  ].join('\n');
  const body = stringify(alertmanagerConfig(profile), { lineWidth: 0 });
  return [
    { path: paths.config, content: `${header}${body}` },
    { path: paths.template, content: renderTemplateFile(profile.name) },
  ];
}
