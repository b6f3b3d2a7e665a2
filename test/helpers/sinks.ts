/**
 * Local notification sinks for the live Alertmanager delivery test: HTTP servers that record what Alertmanager
 * delivers (a Slack-compatible incoming-webhook endpoint answering `ok`, and a generic webhook endpoint).
 * They stand in for Slack and a pager, which a test cannot reach; Alertmanager itself is the real one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Delivery {
  readonly path: string;
  readonly receivedAt: number;
  readonly body: unknown;
}

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
  readonly deliveries: Delivery[];
  /** Resolves with the deliveries once `predicate` holds for them; rejects after `timeoutMs` with what arrived. */
  waitFor(predicate: (deliveries: readonly Delivery[]) => boolean, timeoutMs: number, what: string): Promise<readonly Delivery[]>;
  close(): Promise<void>;
}

/** Starts a recording sink on 127.0.0.1:<free port>. `kind` only changes the answer body (Slack answers `ok`). */
export async function startSink(kind: 'slack' | 'webhook'): Promise<Sink> {
  const deliveries: Delivery[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep raw text; the assertion will show it
      }
      deliveries.push({ path: req.url ?? '', receivedAt: Date.now(), body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(kind === 'slack' ? 'ok' : '');
      for (const w of waiters) w();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    waitFor: (predicate, timeoutMs, what) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (!predicate(deliveries)) return false;
          clearTimeout(timer);
          waiters.delete(onDelivery);
          resolve(deliveries);
          return true;
        };
        const onDelivery = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(onDelivery);
          reject(new Error(`${kind} sink: timed out after ${timeoutMs} ms waiting for ${what}; got ${deliveries.length} deliveries:\n${JSON.stringify(deliveries, null, 1).slice(0, 4000)}`));
        }, timeoutMs);
        waiters.add(onDelivery);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
