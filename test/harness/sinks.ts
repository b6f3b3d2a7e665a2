/**
 * Local notification sinks for the live Alertmanager delivery test: the demo's recording HTTP server
 * (src/demo/sink.ts), one per receiver kind (a Slack-compatible incoming-webhook endpoint answering `ok`, and a
 * generic webhook endpoint). They stand in for Slack and a pager, which a test cannot reach; Alertmanager itself is
 * the real one.
 */
import { startSink as startRecordingSink, type SinkDelivery } from '../../src/demo/sink.js';

export type Delivery = SinkDelivery;

/** Alertmanager's webhook payload (version 4), the fields the tests read. */
export interface WebhookPayload {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

/** Slack's incoming-webhook payload as Alertmanager sends it. */
export interface SlackPayload {
  channel?: string;
  attachments: { title?: string; title_link?: string; text?: string; footer?: string; color?: string; fallback?: string }[];
}

export interface Sink {
  readonly url: string;
  readonly deliveries: readonly Delivery[];
  /** Resolves with the deliveries once `predicate` holds for them; rejects after `timeoutMs` with what arrived. */
  waitFor(predicate: (deliveries: readonly Delivery[]) => boolean, timeoutMs: number, what: string): Promise<readonly Delivery[]>;
  close(): Promise<void>;
}

/** Starts a recording sink on 127.0.0.1:<free port>. `kind` only changes the answer body (Slack answers `ok`). */
export async function startSink(kind: 'slack' | 'webhook'): Promise<Sink> {
  const sink = await startRecordingSink({ answer: () => (kind === 'slack' ? 'ok' : '') });
  return {
    url: sink.url,
    deliveries: sink.deliveries,
    waitFor: async (predicate, timeoutMs, what) => {
      if (await sink.waitFor(predicate, timeoutMs)) return sink.deliveries;
      throw new Error(`${kind} sink: timed out after ${timeoutMs} ms waiting for ${what}; got ${sink.deliveries.length} deliveries:\n${JSON.stringify(sink.deliveries, null, 1).slice(0, 4000)}`);
    },
    close: () => sink.close(),
  };
}
