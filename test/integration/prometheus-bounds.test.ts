/**
 * Bounded Prometheus answers: a body past the size cap is refused while it streams (never buffered), server text is
 * cut before it reaches an error, a report or the audit log, and the gate has a total deadline by default, so a
 * server that accepts and never answers ends it with exit 3 well under a minute. Fake servers: a real Prometheus
 * cannot be made to send an endless body or hang.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATE_PROMETHEUS } from '../../src/cli/prometheus-options.js';
import { createPrometheusClient } from '../../src/prometheus/client.js';
import { PrometheusApiError, PrometheusClientError, PrometheusHttpError, PrometheusResponseError, PrometheusTimeoutError } from '../../src/prometheus/errors.js';
import { ERROR_BODY_BYTES } from '../../src/prometheus/transport.js';
import { TEXT_LIMITS } from '../../src/prometheus/envelope.js';
import { runCliInProcess } from '../harness/cli.js';
import { type FakeHandler, type FakeServer, startFakeServer } from '../harness/fake-http.js';

const servers: FakeServer[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-bounds-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function fake(handler: FakeHandler): Promise<string> {
  const s = await startFakeServer(handler);
  servers.push(s);
  return s.url;
}

async function failure(p: Promise<unknown>): Promise<PrometheusClientError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PrometheusClientError);
  return err as PrometheusClientError;
}

const MiB = 1024 * 1024;

describe.concurrent('response size cap', () => {
  it('refuses an endless body as soon as it passes the cap, without buffering it', async () => {
    let sent = 0;
    const url = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.write('{"status":"success","data":');
      pump();
    });
    const client = createPrometheusClient({ url, maxResponseBytes: MiB, retries: 0, timeoutMs: 20_000 });
    const started = Date.now();
    const err = await failure(client.instantQuery('vector(1)'));
    await client.close();
    expect(err).toBeInstanceOf(PrometheusResponseError);
    expect(err.reason).toMatch(/answer larger than 1048576 bytes, refused unread/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sent).toBeLessThan(64 * MiB); // the server was cut off, not read to the end
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const url = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * MiB) });
      res.write('{');
    });
    const client = createPrometheusClient({ url, maxResponseBytes: MiB, retries: 0, timeoutMs: 5_000 });
    const err = await failure(client.instantQuery('vector(1)'));
    await client.close();
    expect(err.reason).toMatch(/answer larger than 1048576 bytes/);
  });

  it('reads 64 KiB of a 50 MB error answer, and cuts error texts and 1000 warnings of 10 KB to fixed sizes', async () => {
    const huge = JSON.stringify({ status: 'error', errorType: 'execution', error: 'E'.repeat(50 * 1000 * 1000) });
    const errorUrl = await fake((_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' }).end(huge);
    });
    const client = createPrometheusClient({ url: errorUrl, retries: 0 });
    const err = await failure(client.instantQuery('vector(1)'));
    await client.close();
    // Only the first ERROR_BODY_BYTES of an error answer are read: the envelope is cut, so it is an HTTP error.
    expect(err).toBeInstanceOf(PrometheusHttpError);
    expect((err as PrometheusHttpError).status).toBe(422);
    expect(err.message.length).toBeLessThan(TEXT_LIMITS.snippet + 300);

    // An error envelope that fits is an API error, its text cut to TEXT_LIMITS.error.
    const fitsUrl = await fake((_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'execution', error: 'E'.repeat(ERROR_BODY_BYTES / 2) }));
    });
    const c1 = createPrometheusClient({ url: fitsUrl, retries: 0 });
    const api = await failure(c1.instantQuery('vector(1)'));
    await c1.close();
    expect(api).toBeInstanceOf(PrometheusApiError);
    expect((api as PrometheusApiError).error.length).toBeLessThanOrEqual(TEXT_LIMITS.error + 1);

    const warningsUrl = await fake((_req, res) => {
      const body = { status: 'success', data: { resultType: 'vector', result: [] }, warnings: Array.from({ length: 1000 }, (_, i) => `${i}:${'w'.repeat(10_000)}`) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const c2 = createPrometheusClient({ url: warningsUrl, retries: 0 });
    const r = await c2.instantQuery('vector(1)');
    await c2.close();
    expect(r.warnings).toHaveLength(TEXT_LIMITS.notes + 1);
    expect(r.warnings.at(-1)).toBe(`… and ${1000 - TEXT_LIMITS.notes} more`);
    for (const w of r.warnings) expect(w.length).toBeLessThanOrEqual(TEXT_LIMITS.note + 1);
  });

  it('a 1 MB error body on every query leaves a gate report and an audit record of a few kilobytes (exit 3)', async () => {
    const body = JSON.stringify({ status: 'error', errorType: 'execution', error: 'E'.repeat(1000 * 1000) });
    const url = await fake((_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' }).end(body);
    });
    const audit = join(dir, 'huge-error.jsonl');
    const r = await runCliInProcess(['gate', '--profile', 'runtime-v1', '--prometheus-url', url, '--at', '1750000000', '--retries', '0', '--format', 'json', '--audit-log', audit]);
    expect(r.code, r.err).toBe(3);
    const record = await readFile(audit, 'utf8');
    expect(record.length).toBeLessThan(64 * 1024);
    expect(r.out.length).toBeLessThan(128 * 1024);
    expect(r.err.length).toBeLessThan(8 * 1024);
  });
});

describe.concurrent('total deadline', () => {
  it('the gate has a default deadline well under a minute', () => {
    expect(GATE_PROMETHEUS.deadline).toBe('30s');
  });

  it('a server that accepts and never answers ends the gate with exit 3 within --deadline', async () => {
    const url = await fake(() => undefined);
    const started = Date.now();
    const r = await runCliInProcess(['gate', '--profile', 'runtime-v1', '--prometheus-url', url, '--at', '1750000000', '--deadline', '2s', '--timeout', '30s', '--audit-log', join(dir, 'deadline.jsonl')]);
    const seconds = (Date.now() - started) / 1000;
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(/total deadline of 2000 ms/);
    expect(seconds).toBeLessThan(10);
  });

  it('with the default settings the same server ends the gate with exit 3 in about 30 s', async () => {
    const url = await fake(() => undefined);
    const started = Date.now();
    const r = await runCliInProcess(['gate', '--profile', 'runtime-v1', '--prometheus-url', url, '--at', '1750000000', '--audit-log', join(dir, 'default-deadline.jsonl')]);
    const seconds = (Date.now() - started) / 1000;
    expect(r.code, r.err).toBe(3);
    expect(seconds).toBeGreaterThan(25);
    expect(seconds).toBeLessThan(45);
  });

  it('retries stop at the deadline instead of sleeping past it', async () => {
    const url = await fake((_req, res) => res.writeHead(503).end('down'));
    const client = createPrometheusClient({ url, retries: 10, retryBaseDelayMs: 400, deadlineMs: 1_000 });
    const started = Date.now();
    const err = await failure(client.instantQuery('vector(1)'));
    await client.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.attempts).toBeLessThan(11);
    const spent = createPrometheusClient({ url, deadlineMs: 1 });
    await new Promise((r) => setTimeout(r, 10));
    const after = await failure(spent.instantQuery('vector(1)'));
    await spent.close();
    expect(after).toBeInstanceOf(PrometheusTimeoutError);
    expect((after as PrometheusTimeoutError).scope).toBe('deadline');
  });
});
