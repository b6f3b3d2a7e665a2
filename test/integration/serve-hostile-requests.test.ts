/**
 * Hostile requests against a live `agent-slo serve` process (the real CLI, reading a real Prometheus 2.42): a seeded
 * fuzz corpus of request lines and headers over raw sockets — the targets that used to crash it, absolute-form and
 * authority-form targets, bad percent-escapes, odd methods and versions, 64 KiB headers, heads that never finish —
 * then /healthz still answers, the process is alive, its RSS stayed bounded and /metrics has a fixed number of series.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../harness/cli.js';
import { prometheusBinary } from '../harness/stack.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { type Route, createGuardedServer, findRoute, parseTarget } from '../../src/serve/http.js';
import { MAX_HTTP_SERIES } from '../../src/serve/self-metrics.js';
import { seededRandom } from '../../src/backfill/scenario.js';

const SEED = 0x5e7e;
const CASES = 1200;
const PASSWORD = 'pw-banner-S3cret';

interface Case {
  readonly bytes: Buffer;
  /** The head is left unfinished: the socket stays open without sending the final CRLF. */
  readonly unfinished: boolean;
}

const KNOWN = ['/healthz', '/readyz', '/metrics', '/api/slo/status'];
const CRASHERS = ['http://localhost:99999/', 'http://[::1/x', 'http://x%zz/'];

function corpus(n: number, seed: number): Case[] {
  const rnd = seededRandom(seed); // mulberry32: a failing case can be replayed from the seed
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const randomText = (len: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-._~%/?#[]@!$&\'()*+,;=:'): string =>
    Array.from({ length: len }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  const randomBytes = (len: number): string => Array.from({ length: len }, () => String.fromCharCode(Math.floor(rnd() * 256))).join('');
  const targets = (): string =>
    pick([
      () => pick(CRASHERS),
      () => pick(KNOWN),
      () => `${pick(KNOWN)}?${randomText(8)}=${randomText(8)}`,
      () => `http://127.0.0.1:5050${pick(KNOWN)}`,
      () => `https://[${randomText(5)}${pick(KNOWN)}`,
      () => `http://${randomText(6)}%${randomText(2)}/`,
      () => `127.0.0.1:${Math.floor(rnd() * 99_999)}`, // authority-form
      () => '*',
      () => `/${randomText(12)}`, // a new unknown path every time
      () => `/%${randomText(2)}/${randomText(3)}`,
      () => `/%E0%A4%A${randomText(1)}`,
      () => `//${randomText(6)}${pick(KNOWN)}`,
      () => `/${'a'.repeat(Math.floor(rnd() * 20_000))}`,
      () => randomBytes(Math.floor(rnd() * 40)).replace(/[\s]/g, '_'),
      () => `${pick(KNOWN)}#${randomText(4)}`,
    ])();
  const method = (): string =>
    pick(['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'get', 'PROPFIND', randomText(6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), 'G\u00e9T', '']);
  const version = (): string => pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTPS/1.1', '', randomText(4)]);
  const header = (): string =>
    pick([
      () => `Host: 127.0.0.1`,
      () => `X-${randomText(6, 'abcdefghij')}: ${randomText(20)}`,
      () => `X-Big: ${'b'.repeat(64 * 1024)}`, // a 64 KiB header
      () => `${randomText(8, 'abc :()<>@')}: value`,
      () => `No-Colon-${randomText(5)}`,
      () => ` folded continuation ${randomText(5)}`,
      () => `Content-Length: ${pick(['-1', '99999999999999999999', 'abc', '5', '0', '1, 2'])}`,
      () => 'Transfer-Encoding: chunked',
      () => `Transfer-Encoding: ${pick(['gzip', 'chunked, chunked', 'x'])}`,
      () => 'Expect: 100-continue',
      () => `Authorization: Basic ${Buffer.from(randomBytes(12), 'latin1').toString('base64')}`,
      () => `X-Bin: ${randomBytes(30).replace(/[\r\n]/g, '')}`,
      () => `Connection: ${pick(['close', 'keep-alive', 'upgrade'])}`,
      () => 'Upgrade: websocket',
    ])();
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    // Half plausible (a valid head with a hostile target or method, so it reaches the routing), half chaos.
    const plausible = rnd() < 0.5;
    const line = plausible
      ? `${pick(['GET', 'GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS', 'PROPFIND'])} ${targets()} HTTP/1.1`
      : `${method()} ${targets()} ${version()}`.replace(/ +$/, '');
    const headers = plausible
      ? ['Host: 127.0.0.1', ...(rnd() < 0.1 ? [`X-Big: ${'b'.repeat(64 * 1024)}`] : []), `X-${randomText(4, 'abcdef')}: ${randomText(10)}`]
      : [...(rnd() < 0.7 ? ['Host: 127.0.0.1'] : []), ...Array.from({ length: Math.floor(rnd() * 5) }, header)];
    const unfinished = rnd() < 0.04;
    let text = `${line}\r\n${headers.map((h) => `${h}\r\n`).join('')}`;
    if (!unfinished) text += '\r\n';
    if (!unfinished && rnd() < 0.15) text += pick(['0\r\n\r\n', 'zz\r\nbad chunk\r\n', randomBytes(50), 'hello']);
    cases.push({ bytes: Buffer.from(text, 'latin1'), unfinished });
  }
  return cases;
}

/** Sends one case; resolves with the status code of the first answer (undefined: the server closed without one). */
function send(port: number, c: Case, waitMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      resolve(m ? Number(m[1]) : undefined);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('error', done);
    socket.on('close', done);
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (/\r\n\r\n/.test(got)) done();
    });
    socket.on('connect', () => socket.write(c.bytes, () => undefined));
  });
}

function vmRssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) * 1024;
}

function seriesCount(exposition: string): number {
  return exposition.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
}

let prom: RunningPrometheus;
let child: ChildProcess;
let base: string;
let stdout = '';

beforeAll(async () => {
  prom = await startPrometheus({ binary: prometheusBinary() });
  const withCredentials = prom.url.replace('http://', `http://ops:${PASSWORD}@`);
  child = spawn(process.execPath, [CLI, 'serve', '--profile', 'runtime-v1', '--port', '0', '--prometheus-url', withCredentials], { cwd: REPO_ROOT });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const deadline = Date.now() + 20_000;
  while (!/http:\/\/127\.0\.0\.1:\d+\/healthz/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  base = /(http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(stdout)?.[1] ?? '';
  expect(base, stdout).not.toBe('');
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await exited;
  }
  await prom?.stop();
});

describe('agent-slo serve under hostile requests', () => {
  it('prints its Prometheus URL without the password', () => {
    expect(stdout).toContain(`from ${prom.url}`);
    expect(stdout).not.toContain(PASSWORD);
  });

  it(`answers ${CASES} seeded random requests with 4xx or a normal answer, stays up, bounded in memory and series`, async () => {
    const port = Number(new URL(base).port);
    // Warm up (first status computation, JIT) before the RSS baseline.
    for (const p of KNOWN) await fetch(`${base}${p}`).then((r) => r.arrayBuffer());
    const metricsBefore = await (await fetch(`${base}/metrics`)).text();
    const rssBefore = vmRssBytes(child.pid!);

    const cases = corpus(CASES, SEED);
    const statuses: (number | undefined)[] = [];
    const hanging: Promise<number | undefined>[] = [];
    for (let i = 0; i < cases.length; i += 25) {
      const batch = cases.slice(i, i + 25);
      const answers = await Promise.all(
        batch.map((c) => {
          if (!c.unfinished) return send(port, c, 5_000);
          hanging.push(send(port, c, 1_500)); // left open while the rest goes on
          return Promise.resolve(-1);
        }),
      );
      statuses.push(...answers.filter((a) => a !== -1));
    }
    await Promise.all(hanging);

    const tally: Record<string, number> = {};
    for (const st of statuses) tally[String(st)] = (tally[String(st)] ?? 0) + 1;
    expect(child.exitCode, stdout).toBeNull();
    const fiveHundreds = statuses.filter((s) => s !== undefined && s >= 500);
    expect(fiveHundreds, 'no request may make the server fail').toEqual([]);
    expect(statuses.filter((s) => s !== undefined).length, `most requests get an answer: ${JSON.stringify(tally)}`).toBeGreaterThan(CASES * 0.8);
    expect((tally['404'] ?? 0) + (tally['405'] ?? 0), 'unknown paths and methods reach the routing').toBeGreaterThan(100);

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const metricsAfter = await (await fetch(`${base}/metrics`)).text();
    const httpSeries = metricsAfter.split('\n').filter((l) => l.startsWith('agent_slo_serve_http_requests_total{'));
    const paths = new Set(httpSeries.map((l) => /path="([^"]*)"/.exec(l)?.[1]));
    expect([...paths].sort()).toEqual(expect.arrayContaining(['/healthz', 'other']));
    for (const p of paths) expect([...KNOWN, 'ui', 'other'], `path label ${String(p)}`).toContain(p);
    expect(httpSeries.length).toBeLessThanOrEqual(MAX_HTTP_SERIES);
    expect(seriesCount(metricsAfter)).toBeLessThanOrEqual(seriesCount(metricsBefore) + MAX_HTTP_SERIES);

    const growth = vmRssBytes(child.pid!) - rssBefore;
    expect(growth, `RSS grew ${Math.round(growth / 1e6)} MB`).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);

  it('answers the three targets that used to crash it with 400, and 405 with Allow', async () => {
    const port = Number(new URL(base).port);
    for (const target of CRASHERS) {
      expect(await send(port, { bytes: Buffer.from(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`), unfinished: false }, 5_000), target).toBe(400);
    }
    const post = await fetch(`${base}/api/slo/status`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const absolute = await send(port, { bytes: Buffer.from(`GET http://127.0.0.1:${port}/healthz HTTP/1.1\r\nHost: x\r\n\r\n`), unfinished: false }, 5_000);
    expect(absolute).toBe(200);
    const big = await send(port, { bytes: Buffer.from(`GET /healthz HTTP/1.1\r\nX-Big: ${'b'.repeat(64 * 1024)}\r\n\r\n`), unfinished: false }, 5_000);
    expect(big).toBe(431);
  });
});

describe('the guarded listener', () => {
  it('closes a connection whose head never finishes (408) and keeps serving', async () => {
    const counted: string[] = [];
    const server = createGuardedServer({ routes: [{ path: '/ok', handle: (_q, res) => (res.end('ok'), 200) }], onRequest: (l, c) => counted.push(`${l} ${c}`), headersTimeoutMs: 300 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const started = Date.now();
      const status = await send(port, { bytes: Buffer.from('GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n'), unfinished: true }, 10_000);
      expect(status).toBe(408);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await send(port, { bytes: Buffer.from('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n'), unfinished: false }, 5_000)).toBe(200);
      expect(counted).toEqual(['other 408', '/ok 200']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('parses request targets without throwing', () => {
    expect(parseTarget('/a?b=c#d')).toEqual({ pathname: '/a', query: 'b=c' });
    expect(parseTarget('http://h:1/x/y?z')).toEqual({ pathname: '/x/y', query: 'z' });
    for (const bad of [...CRASHERS, '*', 'localhost:80', '/%zz', '/a?%', '', undefined]) expect(parseTarget(bad), String(bad)).toBeUndefined();
  });

  it('routes exact paths before the longest prefix route, so new routes (a UI) extend the table', () => {
    const r = (path: string): Route => ({ path, handle: () => 200 });
    const routes = [r('/'), r('/assets/*'), r('/assets/img/*'), r('/healthz'), r('/*')];
    expect(findRoute(routes, '/')?.path).toBe('/');
    expect(findRoute(routes, '/healthz')?.path).toBe('/healthz');
    expect(findRoute(routes, '/assets/app.js')?.path).toBe('/assets/*');
    expect(findRoute(routes, '/assets/img/a.png')?.path).toBe('/assets/img/*');
    expect(findRoute(routes, '/nope')?.path).toBe('/*');
    expect(findRoute(routes.slice(0, -1), '/nope')).toBeUndefined();
  });
});
