/**
 * The guarded HTTP listener of `agent-slo serve`: no request can crash it or grow it. Request targets are parsed
 * without throwing (absolute-form accepted, authority-form, `*` and bad percent-escapes → 400), paths are matched
 * against a route table (unknown → 404, wrong method → 405 with `Allow`), header size and header time are bounded
 * (431, 408), and a handler that fails answers 500 instead of ending the process. Self-metrics label a request by
 * its route, never by the path asked for: unknown paths fold into one value. docs/serve.md ("Hostile requests").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** Label of every request that matched no route (unknown paths, unparsable targets, malformed requests). */
export const UNMATCHED = 'other';

export interface RequestTarget {
  /** Path as sent (not percent-decoded), e.g. `/api/slo/status`. */
  readonly pathname: string;
  /** Query string without `?` (may be empty). */
  readonly query: string;
}

export interface Route {
  /** An exact path, or a prefix ending in `/*` (e.g. `/assets/*`; `/*` is a catch-all). */
  readonly path: string;
  /** The request's self-metrics label (default `path`): a fixed value, never taken from the request. */
  readonly label?: string;
  /** Methods served (default GET and HEAD). */
  readonly methods?: readonly string[];
  /** Writes the answer and returns its status code, or returns undefined without writing: not this route's (→ 404). */
  handle(req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<number | undefined> | number | undefined;
}

export interface GuardedServerOptions {
  readonly routes: readonly Route[];
  /** Endpoints listed in a 404 answer (default: the exact route paths). */
  readonly endpoints?: readonly string[];
  /** Called once per answered request with the route label and status code. */
  readonly onRequest: (label: string, code: number) => void;
  readonly onError?: (err: unknown) => void;
  /** Largest request head (request line + headers), default 16 KiB; larger → 431. */
  readonly maxHeaderBytes?: number;
  /** Time to receive a complete request head, default 10 s; slower → 408 and the connection closes. */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request, default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Open connections at most, default 1024 (more are refused at accept). */
  readonly maxConnections?: number;
}

const DEFAULT_METHODS = ['GET', 'HEAD'] as const;
const MAX_ECHO = 200;

/** Parses a request target without throwing; undefined when it is not origin-form or absolute-form http(s). */
export function parseTarget(raw: string | undefined): RequestTarget | undefined {
  if (raw === undefined || raw === '') return undefined;
  let pathAndQuery: string;
  if (raw.startsWith('/')) {
    pathAndQuery = raw;
  } else if (/^https?:\/\//i.test(raw)) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return undefined;
    }
    pathAndQuery = `${u.pathname}${u.search}`;
  } else {
    return undefined; // authority-form (CONNECT host:port), asterisk-form (*), garbage
  }
  const hash = pathAndQuery.indexOf('#');
  if (hash >= 0) pathAndQuery = pathAndQuery.slice(0, hash);
  const q = pathAndQuery.indexOf('?');
  const pathname = q >= 0 ? pathAndQuery.slice(0, q) : pathAndQuery;
  const query = q >= 0 ? pathAndQuery.slice(q + 1) : '';
  try {
    decodeURIComponent(pathname);
    decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    return undefined; // a bad percent-escape
  }
  return { pathname, query };
}

/** The route serving `pathname`: an exact match first, then the longest matching prefix route. */
export function findRoute(routes: readonly Route[], pathname: string): Route | undefined {
  const exact = routes.find((r) => r.path === pathname);
  if (exact !== undefined) return exact;
  let best: Route | undefined;
  for (const r of routes) {
    if (!r.path.endsWith('/*')) continue;
    const prefix = r.path.slice(0, -1);
    if (pathname.startsWith(prefix) && (best === undefined || prefix.length > best.path.length - 1)) best = r;
  }
  return best;
}

/** A JSON answer (HEAD: headers only). */
export function sendJson(res: ServerResponse, code: number, body: unknown, head = false, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(code, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(head ? undefined : text);
}

/** Request text echoed in an answer: cut short, control characters dropped. */
function echo(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\x00-\x1f\x7f]/g, '');
  return clean.length > MAX_ECHO ? `${clean.slice(0, MAX_ECHO)}…` : clean;
}

function clientErrorCode(err: NodeJS.ErrnoException): number {
  if (err.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'HPE_HEADERS_TIMEOUT') return 408;
  return 400;
}

/** Answers one request through the route table; every failure becomes an answer. */
async function dispatch(opts: GuardedServerOptions, req: IncomingMessage, res: ServerResponse): Promise<{ label: string; code: number }> {
  const method = req.method ?? '';
  const head = method === 'HEAD';
  const endpoints = opts.endpoints ?? opts.routes.filter((r) => !r.path.endsWith('/*')).map((r) => r.path);
  const target = parseTarget(req.url);
  if (target === undefined) {
    sendJson(res, 400, { error: 'bad_request_target', reason: `request target "${echo(req.url ?? '')}" is not a path like /api/slo/status` }, head, { connection: 'close' });
    return { label: UNMATCHED, code: 400 };
  }
  const notFound = (): { label: string; code: number } => {
    sendJson(res, 404, { error: 'not_found', reason: `no endpoint ${echo(target.pathname)}`, endpoints }, head);
    return { label: UNMATCHED, code: 404 };
  };
  const route = findRoute(opts.routes, target.pathname);
  if (route === undefined) return notFound();
  const label = route.label ?? route.path;
  const methods = route.methods ?? DEFAULT_METHODS;
  if (!methods.includes(method)) {
    const allow = methods.join(', ');
    sendJson(res, 405, { error: 'method_not_allowed', reason: `${echo(method)} is not supported on ${route.path}; use ${allow}` }, head, { allow, connection: 'close' });
    return { label, code: 405 };
  }
  try {
    const code = await route.handle(req, res, target);
    return code === undefined ? notFound() : { label, code };
  } catch (err) {
    opts.onError?.(err);
    if (!res.headersSent) sendJson(res, 500, { error: 'internal', reason: 'the request failed inside agent-slo serve (see its log)' }, head);
    else res.destroy();
    return { label, code: 500 };
  }
}

/** An http.Server that answers every request through `routes` and never lets a request end the process. */
export function createGuardedServer(opts: GuardedServerOptions): Server {
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const server = createServer(
    {
      maxHeaderSize: opts.maxHeaderBytes ?? 16 * 1024,
      requestTimeout: Math.max(headersTimeout, opts.requestTimeoutMs ?? 30_000),
      headersTimeout,
      // How often Node checks the two timeouts above (its default of 30 s would let a stalled head live that long).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    (req, res) => {
      req.on('error', () => undefined); // an aborted upload must not become an unhandled 'error'
      res.on('error', () => undefined);
      dispatch(opts, req, res).then(
        ({ label, code }) => opts.onRequest(label, code),
        (err: unknown) => {
          opts.onError?.(err);
          opts.onRequest(UNMATCHED, 500);
          res.destroy();
        },
      );
    },
  );
  server.maxConnections = opts.maxConnections ?? 1024;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const code = clientErrorCode(err);
    if (err.code !== 'ECONNRESET' && socket.writable) {
      opts.onRequest(UNMATCHED, code);
      socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });
  return server;
}
