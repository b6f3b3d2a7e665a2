/**
 * Fail-closed fault matrix through the CLI: every case must end in exit 3 with a reason, never in a pass, and no
 * credential may show up in stdout, stderr or the audit log. A fake loopback server is used only for answers a real
 * Prometheus cannot be made to give.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import type { GateReport } from '../../src/gate/report/model.js';
import { freePort } from '../../src/stack/free-port.js';
import { type FakeHandler, type FakeServer, json, selfSignedCert, startFakeServer } from '../harness/fake-http.js';

const TOKEN = 'tok-S3CRET-gate-7f3a91';
const AT = '1750000000';
let work: string;
const servers: FakeServer[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-gate-faults-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  delete process.env.AGENT_SLO_PROMETHEUS_BEARER_TOKEN;
  await rm(work, { recursive: true, force: true });
});

async function fake(handler: FakeHandler, tls?: { cert: string; key: string }): Promise<string> {
  const s = await startFakeServer(handler, tls);
  servers.push(s);
  return s.url;
}

const vector = (value: string): unknown => ({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1750000000, value] }] } });

let n = 0;
async function gate(url: string, extra: string[] = []): Promise<{ code: number; out: string; err: string; audit: string; report?: GateReport }> {
  n++;
  const audit = join(work, `audit-${n}.jsonl`);
  process.env.AGENT_SLO_PROMETHEUS_BEARER_TOKEN = TOKEN;
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false };
  const code = await runCli(['gate', '--profile', 'runtime-v1', '--prometheus-url', url, '--at', AT, '--format', 'json', '--retries', '0', '--timeout', '2s', '--audit-log', audit, ...extra], io);
  let report: GateReport | undefined;
  try {
    report = JSON.parse(out.join('\n')) as GateReport;
  } catch {
    report = undefined;
  }
  let log = '';
  try {
    log = await readFile(audit, 'utf8');
  } catch {
    log = '';
  }
  return { code, out: out.join('\n'), err: err.join('\n'), audit: log, ...(report !== undefined ? { report } : {}) };
}

async function expectCannotEvaluate(url: string, reason: RegExp, extra: string[] = []): Promise<void> {
  const r = await gate(url, extra);
  expect(r.code, `${r.err}\n${r.out.slice(0, 500)}`).toBe(3);
  expect(r.err).toMatch(/agent-slo: gate cannot evaluate: /);
  expect(r.report?.verdict).toBe('cannot_evaluate');
  for (const o of r.report?.objectives ?? []) expect(o.status).not.toBe('pass');
  expect(`${r.err}\n${r.out}`).toMatch(reason);
  for (const text of [r.out, r.err, r.audit]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(Buffer.from(TOKEN).toString('base64'));
  }
  // The evaluation itself is audited.
  expect(r.audit).toMatch(/"type":"evaluation"/);
  expect(r.audit).toMatch(/"verdict":"cannot_evaluate"/);
}

describe('gate fault matrix (exit 3, never pass, no secrets)', () => {
  it('connection refused', async () => {
    await expectCannotEvaluate(`http://127.0.0.1:${await freePort()}`, /connection refused/);
  });

  it('DNS failure', async () => {
    await expectCannotEvaluate('http://prometheus.agent-slo-test.invalid:9090', /cannot resolve host/);
  });

  it('TLS failure (server certificate not signed by the given CA)', async () => {
    const server = selfSignedCert(work, 'server');
    const other = selfSignedCert(work, 'other');
    const url = await fake((_req, res) => json(res, 200, vector('1')), server);
    await expectCannotEvaluate(url, /TLS handshake .* failed/, ['--ca-file', other.certFile]);
  });

  for (const [status, reason] of [
    [401, /authentication failed \(401/],
    [403, /access denied \(403/],
    [404, /not found \(404/],
    [500, /unexpected HTTP status 500/],
    [503, /unavailable \(503/],
  ] as const) {
    it(`HTTP ${status} (the body echoes the Authorization header: it must be redacted)`, async () => {
      const url = await fake((req, res) => {
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`denied for ${String(req.headers.authorization)}`);
      });
      await expectCannotEvaluate(url, reason);
    });
  }

  it('hang past the timeout', async () => {
    const url = await fake(() => {
      /* never answers */
    });
    await expectCannotEvaluate(url, /no complete answer within 1000 ms/, ['--timeout', '1s', '--objective', 'tool_success_rate']);
  });

  it('malformed JSON', async () => {
    await expectCannotEvaluate(await fake((_q, res) => json(res, 200, '{"status":"success","data":{')), /not valid JSON/);
  });

  it('wrong result type', async () => {
    await expectCannotEvaluate(await fake((_q, res) => json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } })), /expected an instant vector, got resultType matrix/);
  });

  it('NaN', async () => {
    await expectCannotEvaluate(await fake((_q, res) => json(res, 200, vector('NaN'))), /is NaN/);
  });

  it('+Inf', async () => {
    await expectCannotEvaluate(await fake((_q, res) => json(res, 200, vector('+Inf'))), /is Infinity|\+Inf/);
  });

  it('empty vector', async () => {
    await expectCannotEvaluate(await fake((_q, res) => json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } })), /too little history|no data/);
  });

  it('partial response', async () => {
    await expectCannotEvaluate(await fake((_q, res) => json(res, 200, { ...(vector('1') as object), isPartial: true })), /partial/);
  });

  it('warnings present', async () => {
    await expectCannotEvaluate(await fake((_q, res) => json(res, 200, { ...(vector('1') as object), warnings: ['store 3 did not answer'] })), /warnings.*store 3 did not answer/);
  });

  for (const [errorType, status] of [
    ['bad_data', 400],
    ['execution', 422],
    ['timeout', 503],
    ['canceled', 422],
    ['unavailable', 503],
    ['internal', 500],
  ] as const) {
    it(`status error, errorType ${errorType}`, async () => {
      const url = await fake((_q, res) => json(res, status, { status: 'error', errorType, error: `boom ${errorType}` }));
      await expectCannotEvaluate(url, new RegExp(`\\(${errorType}\\): boom ${errorType}`));
    });
  }
});
