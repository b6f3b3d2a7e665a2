/**
 * The demo's notification sink: a local HTTP server standing in for Slack (`/slack`, answers `ok`) and a pager webhook
 * (`/pager`). Alertmanager — the real one — delivers to it; the demo prints and counts what arrived.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SinkDelivery {
  readonly path: string;
  readonly receivedAt: number;
  readonly body: unknown;
}

export interface NotificationSink {
  readonly url: string;
  readonly deliveries: readonly SinkDelivery[];
  /** Resolves true once `predicate` holds, false after `timeoutMs`. */
  waitFor(predicate: (d: readonly SinkDelivery[]) => boolean, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface SinkOptions {
  /** The body answered for a request path; default: `ok` for `/slack…` (as Slack does), empty otherwise. */
  readonly answer?: (path: string) => string;
}

export async function startSink(options: SinkOptions = {}): Promise<NotificationSink> {
  const answer = options.answer ?? ((path: string): string => (path.startsWith('/slack') ? 'ok' : ''));
  const deliveries: SinkDelivery[] = [];
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
        // keep the text
      }
      deliveries.push({ path: req.url ?? '', receivedAt: Date.now(), body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(answer(req.url ?? ''));
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
    waitFor: (predicate, timeoutMs) =>
      new Promise((resolve) => {
        const done = (ok: boolean): void => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(ok);
        };
        const check = (): void => {
          if (predicate(deliveries)) done(true);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
