/**
 * `agent-slo gate --query-concurrency N` bounds the PromQL queries in flight at once (the server's memory on raw
 * windows over many series: docs/scale.md). A fake loopback server, because only it can report how many queries it
 * was holding at once: each query is answered after a short delay while the count is taken.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { GATE_QUERY_CONCURRENCY } from '../../src/gate/evaluate.js';
import { json, startFakeServer } from '../harness/fake-http.js';

const AT = 1750000000;
/** How long the fake server holds each query: long enough for the gate to fill its slots. */
const HOLD_MS = 40;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-gate-concurrency-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the gate against a server that answers every query with 1 after HOLD_MS; the most queries it held at once. */
async function peakInFlight(extra: string[]): Promise<{ code: number; peak: number; queries: number; err: string }> {
  let inFlight = 0;
  let peak = 0;
  const server = await startFakeServer((req, res) => {
    if (!req.url.startsWith('/api/v1/query')) return json(res, 404, { status: 'error', error: 'not found' });
    inFlight++;
    peak = Math.max(peak, inFlight);
    setTimeout(() => {
      inFlight--;
      json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [AT, '1'] }] } });
    }, HOLD_MS);
  });
  try {
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => err.push(l), isTty: false };
    const args = ['gate', '--profile', 'runtime-v1', '--prometheus-url', server.url, '--at', String(AT), '--format', 'json', '--retries', '0'];
    const code = await runCli([...args, '--audit-log', join(work, `audit-${String(Date.now())}.jsonl`), ...extra], io);
    return { code, peak, queries: server.requests.filter((r) => r.url.startsWith('/api/v1/query')).length, err: err.join('\n') };
  } finally {
    await server.close();
  }
}

describe('gate --query-concurrency', () => {
  it('by default the gate keeps several queries in flight, never more than its default', async () => {
    const r = await peakInFlight([]);
    expect(r.queries, r.err).toBeGreaterThan(GATE_QUERY_CONCURRENCY);
    expect(r.peak).toBeGreaterThan(2);
    expect(r.peak).toBeLessThanOrEqual(GATE_QUERY_CONCURRENCY);
  });

  it.each([1, 2])('--query-concurrency %i: never more queries in flight, same queries asked', async (n) => {
    const base = await peakInFlight([]);
    const r = await peakInFlight(['--query-concurrency', String(n)]);
    expect(r.peak, r.err).toBe(n);
    expect(r.queries).toBe(base.queries);
    expect(r.code).toBe(base.code);
  });

  it.each(['0', '65', '2.5', '1e3', '-1', 'many'])('--query-concurrency %s → exit 64 naming the bounds', async (v) => {
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => err.push(l), isTty: false };
    const code = await runCli(['gate', '--profile', 'runtime-v1', '--prometheus-url', 'http://127.0.0.1:9', '--query-concurrency', v], io);
    expect(code).toBe(64);
    expect(err.join('\n')).toContain(`--query-concurrency ${v} is not a whole number from 1 to 64`);
  });
});
