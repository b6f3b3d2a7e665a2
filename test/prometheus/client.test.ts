import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient, type PrometheusClient, type PrometheusClientOptions } from '../../src/prometheus/client.js';
import {
  PrometheusApiError,
  PrometheusClientError,
  PrometheusConfigError,
  PrometheusHttpError,
  PrometheusResponseError,
  PrometheusTimeoutError,
  PrometheusTransportError,
} from '../../src/prometheus/errors.js';
import { quotePromqlString } from '../../src/escape.js';
import { expectSingleValue, expectVector } from '../../src/prometheus/results.js';
import { freePort } from '../../src/stack/free-port.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { prometheusBinary } from '../harness/stack.js';
import { type FakeHandler, type FakeServer, json, selfSignedCert, startFakeServer } from '../harness/fake-http.js';

const T = 1_750_000_000; // a fixed evaluation time (seconds)

async function rejection(p: Promise<unknown>): Promise<PrometheusClientError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeInstanceOf(PrometheusClientError);
  return err as PrometheusClientError;
}

describe('client against a real Prometheus', () => {
  let prom: RunningPrometheus;
  let client: PrometheusClient;

  beforeAll(async () => {
    prom = await startPrometheus({ scrapeSelf: true, scrapeInterval: '1s', binary: prometheusBinary() });
    client = createPrometheusClient({ url: prom.url, timeoutMs: 10_000, retries: 1 });
  });
  afterAll(async () => {
    await client?.close();
    await prom?.stop();
  });

  it('is ready and reports its build', async () => {
    expect(await client.ready()).toBe(true);
    const info = await client.buildinfo();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.goVersion).toMatch(/^go/);
  });

  it('parses vector, scalar, string and the special values', async () => {
    const v = await client.instantQuery('vector(1)', T);
    expect(v).toEqual({
      resultType: 'vector',
      result: [{ labels: {}, timestamp: T, value: 1 }],
      warnings: [],
      infos: [],
    });
    const s = await client.instantQuery('scalar(vector(2.5))', new Date(T * 1000));
    expect(s.resultType).toBe('scalar');
    expect(expectSingleValue(s)).toBe(2.5);
    expect(expectSingleValue(await client.instantQuery('0/0', T))).toBeNaN();
    expect(expectSingleValue(await client.instantQuery('vector(1/0)', T))).toBe(Infinity);
    expect(expectSingleValue(await client.instantQuery('vector(-1/0)', T))).toBe(-Infinity);
    const str = await client.instantQuery('"hello"', T);
    expect(str).toMatchObject({ resultType: 'string', result: { timestamp: T, value: 'hello' } });
    expect(() => expectVector(str)).toThrow(PrometheusResponseError);
    expect(expectVector(await client.instantQuery('vector(1) > 5', T))).toEqual([]);
  });

  it('runs a range query', async () => {
    const r = await client.rangeQuery('vector(3)', T, T + 60, 15);
    expect(r.resultType).toBe('matrix');
    expect(r.result).toHaveLength(1);
    expect(r.result[0]!.samples.map((p) => p.timestamp)).toEqual([T, T + 15, T + 30, T + 45, T + 60]);
    expect(r.result[0]!.samples.every((p) => p.value === 3)).toBe(true);
    const r2 = await client.rangeQuery('vector(1)', T, T + 600, '5m');
    expect(r2.result[0]!.samples).toHaveLength(3);
  });

  it('reads series, label values and a matrix from its own scrapes', async () => {
    const deadline = Date.now() + 20_000;
    let up = expectVector(await client.instantQuery('up{job="prometheus"}'));
    while (up.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      up = expectVector(await client.instantQuery('up{job="prometheus"}'));
    }
    expect(up).toHaveLength(1);
    expect(up[0]!.value).toBe(1);
    expect(up[0]!.labels).toMatchObject({ __name__: 'up', job: 'prometheus', instance: `127.0.0.1:${prom.port}` });

    const now = Date.now() / 1000;
    const series = await client.series(['up'], now - 600, now + 60);
    expect(series).toContainEqual({ __name__: 'up', job: 'prometheus', instance: `127.0.0.1:${prom.port}` });
    expect(await client.labelValues('job')).toContain('prometheus');
    expect(await client.labelValues('job', { match: ['up{job="nope"}'] })).toEqual([]);

    const m = await client.instantQuery('up[1m]');
    expect(m.resultType).toBe('matrix');
  });

  it('escapes label values so they survive a round trip through PromQL', async () => {
    for (const tricky of ['a"b', 'back\\slash', 'new\nline', 'tab\tand\u0001ctl', 'ünïcödé ✓', '{}[]=~!']) {
      const r = await client.instantQuery(`label_replace(vector(1), "x", ${quotePromqlString(tricky)}, "", "")`, T);
      expect(expectVector(r)[0]!.labels.x).toBe(tricky);
    }
  });

  it('surfaces bad_data from the server without retrying', async () => {
    const err = await rejection(client.instantQuery('sum(', T));
    expect(err).toBeInstanceOf(PrometheusApiError);
    expect((err as PrometheusApiError).errorType).toBe('bad_data');
    expect((err as PrometheusApiError).status).toBe(400);
    expect(err.attempts).toBe(1);
    expect(err.reason).toMatch(/invalid query/);
  });

  it('refuses milliseconds where seconds are expected', async () => {
    await expect(client.instantQuery('vector(1)', T * 1000)).rejects.toThrow(/milliseconds/);
  });
});

describe('client faults (fake loopback server)', () => {
  const servers: FakeServer[] = [];
  const clients: PrometheusClient[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-slo-client-'));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function fake(handler: FakeHandler, tls?: { cert: string; key: string }): Promise<FakeServer> {
    const s = await startFakeServer(handler, tls);
    servers.push(s);
    return s;
  }
  function clientFor(url: string, extra: Partial<PrometheusClientOptions> = {}): PrometheusClient {
    const c = createPrometheusClient({ url, timeoutMs: 2_000, retries: 2, retryBaseDelayMs: 1, ...extra });
    clients.push(c);
    return c;
  }
  const ok = { status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [T, '1'] }] } };

  it('sends a POST form with query, time, timeout and deny-partial parameters', async () => {
    const s = await fake((_req, res) => json(res, 200, ok));
    const r = await clientFor(s.url).instantQuery('up == 1', T);
    expect(r.result).toEqual([{ labels: { a: 'b' }, timestamp: T, value: 1 }]);
    const req = s.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v1/query');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      query: 'up == 1',
      time: String(T),
      timeout: '2',
      partial_response: 'false',
      deny_partial_response: '1',
    });
  });

  it('refuses connection refused after bounded retries', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await rejection(clientFor(`http://127.0.0.1:${port}`).instantQuery('vector(1)'));
    expect(err).toBeInstanceOf(PrometheusTransportError);
    expect((err as PrometheusTransportError).failure).toBe('connection-refused');
    expect(err.attempts).toBe(3);
    expect(err.reason).toContain(`connection refused by 127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a DNS failure', async () => {
    const err = await rejection(clientFor('http://does-not-exist.invalid').buildinfo());
    expect(err).toBeInstanceOf(PrometheusTransportError);
    expect((err as PrometheusTransportError).failure).toBe('dns');
    expect(err.reason).toContain('cannot resolve host does-not-exist.invalid');
  });

  it('reports a TLS failure with an untrusted or wrong CA, and works with the right CA', async () => {
    const server = selfSignedCert(dir, 'server');
    const other = selfSignedCert(dir, 'other');
    const s = await fake((_req, res) => json(res, 200, ok), server);

    const noCa = await rejection(clientFor(s.url).instantQuery('vector(1)'));
    expect(noCa).toBeInstanceOf(PrometheusTransportError);
    expect((noCa as PrometheusTransportError).failure).toBe('tls');
    expect(noCa.attempts).toBe(1); // not transient

    const wrongCa = await rejection(clientFor(s.url, { caFile: other.certFile }).instantQuery('vector(1)'));
    expect((wrongCa as PrometheusTransportError).failure).toBe('tls');
    expect(wrongCa.reason).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed/);

    expect((await clientFor(s.url, { caFile: server.certFile }).instantQuery('vector(1)')).result).toHaveLength(1);
    expect((await clientFor(s.url, { insecureSkipVerify: true }).instantQuery('vector(1)')).result).toHaveLength(1);
  });

  it('names an unreadable CA file', () => {
    expect(() => createPrometheusClient({ url: 'https://127.0.0.1:1', caFile: join(dir, 'missing.pem') })).toThrow(
      PrometheusConfigError,
    );
    expect(() => createPrometheusClient({ url: 'https://127.0.0.1:1', caFile: join(dir, 'missing.pem') })).toThrow(
      /caFile: cannot read .*missing\.pem: ENOENT/,
    );
  });

  it.each([
    [401, /authentication failed \(401/],
    [403, /access denied \(403/],
    [404, /not found \(404\).*path prefix/],
    [500, /unexpected HTTP status 500/],
  ])('reports HTTP %i without retrying', async (status, reason) => {
    const s = await fake((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end('nope'));
    const err = await rejection(clientFor(s.url).instantQuery('vector(1)'));
    expect(err).toBeInstanceOf(PrometheusHttpError);
    expect((err as PrometheusHttpError).status).toBe(status);
    expect(err.reason).toMatch(reason);
    expect(s.requests).toHaveLength(1);
  });

  it('retries 502/503/504 and succeeds when the server recovers', async () => {
    const s = await fake((_req, res, i) => {
      if (i === 0) res.writeHead(502).end('bad gateway');
      else if (i === 1) res.writeHead(503).end('unavailable');
      else json(res, 200, ok);
    });
    const r = await clientFor(s.url).instantQuery('vector(1)');
    expect(r.result).toHaveLength(1);
    expect(s.requests).toHaveLength(3);
  });

  it('gives up on a persistent 503 after the configured retries', async () => {
    const s = await fake((_req, res) => res.writeHead(503).end('still down'));
    const err = await rejection(clientFor(s.url, { retries: 3 }).instantQuery('vector(1)'));
    expect(err).toBeInstanceOf(PrometheusHttpError);
    expect(err.attempts).toBe(4);
    expect(s.requests).toHaveLength(4);
    expect(err.reason).toContain('still down');
  });

  it('times out on a server that hangs, and on a body that never ends', async () => {
    const hang = await fake(() => undefined);
    const started = Date.now();
    const err = await rejection(clientFor(hang.url, { timeoutMs: 300 }).instantQuery('vector(1)'));
    expect(err).toBeInstanceOf(PrometheusTimeoutError);
    expect((err as PrometheusTimeoutError).timeoutMs).toBe(300);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(hang.requests).toHaveLength(1); // a client timeout is not retried

    const slowBody = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success",');
    });
    const err2 = await rejection(clientFor(slowBody.url, { timeoutMs: 300 }).instantQuery('vector(1)'));
    expect(err2).toBeInstanceOf(PrometheusTimeoutError);
  });

  it.each([
    ['malformed JSON', '{"status":"success","data":', /not valid JSON/],
    ['not an envelope', '[1,2]', /not a Prometheus API envelope/],
    ['unknown resultType', { status: 'success', data: { resultType: 'tensor', result: [] } }, /unknown resultType "tensor"/],
    ['unparsable value', { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T, 'abc'] }] } }, /"abc" is not a number/],
    ['native histogram', { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, histogram: [T, {}] }] } }, /native histogram/],
    ['VictoriaMetrics isPartial', { status: 'success', isPartial: true, data: ok.data }, /partial \(isPartial: true/],
    ['Thanos partial_response', { status: 'success', partial_response: true, data: ok.data }, /partial \(partial_response/],
    ['partialResponse in data', { status: 'success', data: { ...ok.data, partialResponse: true } }, /partial \(partialResponse/],
  ])('refuses an untrustworthy answer: %s', async (_name, body, reason) => {
    const s = await fake((_req, res) => json(res, 200, body));
    const err = await rejection(clientFor(s.url).instantQuery('vector(1)'));
    expect(err).toBeInstanceOf(PrometheusResponseError);
    expect(err.reason).toMatch(reason);
    expect(s.requests).toHaveLength(1);
  });

  it('with partial answers asked for (denyPartialResponse: false) asks for them and accepts one marked partial, as a warning', async () => {
    const s = await fake((_req, res) => json(res, 200, { status: 'success', isPartial: true, data: ok.data, warnings: ['vmstorage-2 is down'] }));
    const r = await clientFor(s.url, { denyPartialResponse: false }).instantQuery('vector(1)', T);
    expect(r.result).toEqual([{ labels: { a: 'b' }, timestamp: T, value: 1 }]);
    expect(r.warnings).toEqual(['the server says its answer is partial (isPartial: true)', 'vmstorage-2 is down']);
    const params = Object.fromEntries(new URLSearchParams(s.requests[0]!.body));
    expect(params.partial_response).toBeUndefined();
    expect(params.deny_partial_response).toBeUndefined();
  });

  it('refuses a range query answered with a vector', async () => {
    const s = await fake((_req, res) => json(res, 200, ok));
    const err = await rejection(clientFor(s.url).rangeQuery('vector(1)', T, T + 60, 15));
    expect(err).toBeInstanceOf(PrometheusResponseError);
    expect(err.reason).toMatch(/resultType vector, expected matrix/);
  });

  it('surfaces warnings and infos', async () => {
    const s = await fake((_req, res) => json(res, 200, { ...ok, warnings: ['store eu-1 did not answer'], infos: ['PromQL info: x'] }));
    const r = await clientFor(s.url).instantQuery('vector(1)');
    expect(r.warnings).toEqual(['store eu-1 did not answer']);
    expect(r.infos).toEqual(['PromQL info: x']);
  });

  it.each([
    ['bad_data', 400, false],
    ['execution', 422, false],
    ['timeout', 503, true],
    ['canceled', 499, false],
    ['unavailable', 503, true],
    ['internal', 500, false],
    ['something_new', 500, false],
  ] as const)('maps errorType %s (HTTP %i), retried: %s', async (errorType, status, retried) => {
    const s = await fake((_req, res) => json(res, status, { status: 'error', errorType, error: `it was ${errorType}` }));
    const err = await rejection(clientFor(s.url).instantQuery('vector(1)'));
    expect(err).toBeInstanceOf(PrometheusApiError);
    const api = err as PrometheusApiError;
    expect(api.errorType).toBe(errorType === 'something_new' ? 'other' : errorType);
    expect(api.rawErrorType).toBe(errorType);
    expect(api.status).toBe(status);
    expect(api.error).toBe(`it was ${errorType}`);
    expect(s.requests).toHaveLength(retried ? 3 : 1);
  });

  it('sends bearer tokens (inline and from a file read per request) and basic auth', async () => {
    const s = await fake((_req, res) => json(res, 200, { status: 'success', data: { version: '9.9.9' } }));
    await clientFor(s.url, { bearerToken: 'tok-inline' }).buildinfo();
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'tok-file-1\n');
    const fromFile = clientFor(s.url, { bearerTokenFile: tokenFile });
    await fromFile.buildinfo();
    await writeFile(tokenFile, 'tok-file-2\n');
    await fromFile.buildinfo();
    await clientFor(s.url, { basicAuth: { username: 'alice', password: 'p:ss' } }).buildinfo();
    await clientFor(s.url.replace('http://', 'http://bob:s%40cret@')).buildinfo();
    await clientFor(s.url, { headers: { 'X-Scope-OrgID': 'tenant-1' } }).buildinfo();
    const auth = s.requests.map((r) => r.headers.authorization);
    expect(auth).toEqual([
      'Bearer tok-inline',
      'Bearer tok-file-1',
      'Bearer tok-file-2',
      `Basic ${Buffer.from('alice:p:ss').toString('base64')}`,
      `Basic ${Buffer.from('bob:s@cret').toString('base64')}`,
      undefined,
    ]);
    expect(s.requests[5]!.headers['x-scope-orgid']).toBe('tenant-1');
    expect(s.requests.every((r) => r.method === 'GET' && r.url === '/api/v1/status/buildinfo')).toBe(true);
  });

  it('never puts a secret into an error, even when the server echoes it', async () => {
    const secrets = ['tok-SECRET-123', 'pw-SECRET-456', 'hdr-SECRET-789', 'url-SECRET-000'];
    const forbidden = [...secrets, Buffer.from('carol:pw-SECRET-456').toString('base64'), Buffer.from('dave:url-SECRET-000').toString('base64')];
    const echo = await fake((req, res) => {
      const echoed = `${req.headers.authorization ?? ''} ${String(req.headers['x-api-key'] ?? '')}`;
      if (req.url.includes('buildinfo')) json(res, 401, `denied for ${echoed}`);
      else json(res, 400, { status: 'error', errorType: 'bad_data', error: `bad token ${echoed}` });
    });
    const refused = `http://127.0.0.1:${await freePort()}`;
    const configs: PrometheusClientOptions[] = [
      { url: echo.url, bearerToken: secrets[0], headers: { 'x-api-key': secrets[2]! } },
      { url: echo.url, basicAuth: { username: 'carol', password: secrets[1]! } },
      { url: echo.url.replace('http://', `http://dave:${secrets[3]}@`) },
      { url: refused.replace('http://', `http://dave:${secrets[3]}@`) },
      { url: 'http://does-not-exist.invalid', bearerToken: secrets[0] },
    ];
    const errors: unknown[] = [];
    for (const cfg of configs) {
      const c = clientFor(cfg.url, cfg);
      errors.push(await c.buildinfo().catch((e: unknown) => e));
      errors.push(await c.instantQuery('vector(1)').catch((e: unknown) => e));
    }
    const tokenFile = join(dir, 'secret-token');
    await writeFile(tokenFile, `${secrets[0]}\n`);
    const fileClient = clientFor(echo.url, { bearerTokenFile: tokenFile });
    errors.push(await fileClient.buildinfo().catch((e: unknown) => e));
    errors.push(await fileClient.instantQuery('vector(1)').catch((e: unknown) => e));

    expect(errors).toHaveLength(12);
    for (const err of errors) {
      expect(err).toBeInstanceOf(PrometheusClientError);
      const renderings = [
        (err as Error).message,
        String(err),
        JSON.stringify(err),
        (err as PrometheusClientError).reason,
        (err as Error).stack ?? '',
        inspect(err, { depth: Infinity }),
      ].join('\n');
      for (const secret of forbidden) expect(renderings, renderings).not.toContain(secret);
    }
    // The echo was really there, and redacted.
    const echoed = errors[1] as PrometheusApiError;
    expect(echoed.error).toContain('bad token Bearer [REDACTED] [REDACTED]');
    expect(JSON.parse(JSON.stringify(errors[0]))).toMatchObject({ kind: 'http', status: 401 });
  });
});
