/** What the demo's live step watches: alerts firing in Prometheus and notifications the sink received. */
import type { RunningPrometheus } from '../stack/types.js';
import { SINK_PAGER_PATH, SINK_SLACK_PATH } from './alertmanager-config.js';
import type { SinkDelivery } from './sink.js';

interface AlertInfo {
  labels: Record<string, string>;
  state: string;
}

export async function firingAlerts(prom: RunningPrometheus): Promise<AlertInfo[]> {
  const res = await fetch(`${prom.url}/api/v1/alerts`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { data: { alerts: AlertInfo[] } };
  return body.data.alerts;
}

export function deliveredAlerts(d: readonly SinkDelivery[]): { receiver: string; path: string; alerts: { labels: Record<string, string>; status: string }[] }[] {
  const out = [];
  for (const x of d) {
    const b = x.body as { receiver?: string; alerts?: { labels: Record<string, string>; status: string }[]; attachments?: { title?: string }[] };
    if (x.path.startsWith(SINK_PAGER_PATH) && Array.isArray(b.alerts)) out.push({ receiver: b.receiver ?? '?', path: x.path, alerts: b.alerts });
    if (x.path.startsWith(SINK_SLACK_PATH)) out.push({ receiver: 'slack', path: x.path, alerts: [] });
  }
  return out;
}

export function slackTitles(d: readonly SinkDelivery[]): string[] {
  return d.filter((x) => x.path.startsWith(SINK_SLACK_PATH)).flatMap((x) => ((x.body as { attachments?: { title?: string }[] }).attachments ?? []).map((a) => a.title ?? ''));
}
