/**
 * Secret redaction, end to end: gate, review, backfill check and serve talk to a server that echoes every request
 * header and the full URL back in warnings, infos, error bodies, redirects and sample values (a fake server: a real
 * Prometheus never echoes credentials). Every credential form (bearer token from env or file, basic auth in the
 * URL, from env or a file, extra headers) is used, every output format is written, and every byte written (stdout,
 * stderr, report files, audit log) is searched for each secret in raw, base64, URL-encoded and JSON-escaped forms.
 * The same server checks that every command sends the one connection option set (credentials and headers).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, runCliInProcess } from '../harness/cli.js';
import { type FakeServer, type RecordedRequest, startFakeServer } from '../harness/fake-http.js';

// Secrets with characters that change under every encoding (quote, backslash, slash, plus, equals, at, colon, space).
const TOKEN = 'tok-Zq"9\\x/+=Y7 w';
const URL_PASSWORD = 'urlpw-K"4\\@:/+ e';
const ENV_PASSWORD = 'envpw-M"2\\/+= q';
const FILE_PASSWORD = 'filepw-P"8\\/+= r';
const ORG = 'org-T"5\\/+= s';
const API_KEY = 'key-W"6\\/+= t';
const USER = 'svc-user';

/** Every form in which a secret could leak. */
function forms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
}
const FORBIDDEN = [
  ...[TOKEN, URL_PASSWORD, ENV_PASSWORD, FILE_PASSWORD, ORG, API_KEY].flatMap(forms),
  ...[URL_PASSWORD, ENV_PASSWORD, FILE_PASSWORD].flatMap((p) => forms(`${USER}:${p}`)),
];

type Fault = 'warnings' | 'error-body' | 'unauthorized' | 'redirect' | 'bad-value';
const FAULTS: readonly Fault[] = ['warnings', 'error-body', 'unauthorized', 'redirect', 'bad-value'];

/** What the server echoes: the decoded Authorization credentials first, then every header and the URL, raw and encoded. */
function echoOf(req: IncomingMessage | RecordedRequest): string {
  const headers = JSON.stringify(req.headers);
  return `${decodedAuth(req)} | ${headers} | ${encodeURIComponent(headers)} | ${req.url ?? ''}`;
}

/** The Authorization credentials as sent (basic auth decoded to user:password). */
function decodedAuth(req: IncomingMessage | RecordedRequest): string {
  const auth = String(req.headers.authorization ?? '');
  return auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : auth;
}

function answer(fault: Fault, req: RecordedRequest, res: ServerResponse): void {
  const echo = echoOf(req);
  const send = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...extra }).end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  // One sample, shaped for the endpoint (a matrix for range queries).
  const vector = (value: string, metric: Record<string, string> = {}): unknown => ({
    status: 'success',
    data: req.url.includes('query_range')
      ? { resultType: 'matrix', result: [{ metric, values: [[1_750_000_000, value]] }] }
      : { resultType: 'vector', result: [{ metric, value: [1_750_000_000, value] }] },
  });
  if (req.url.startsWith('/-/ready')) return send(401, echo);
  switch (fault) {
    case 'warnings':
      return send(200, { ...(vector('1') as object), warnings: [echo], infos: [echo] });
    case 'error-body':
      return send(422, { status: 'error', errorType: 'execution', error: echo });
    case 'unauthorized':
      return send(401, echo);
    case 'redirect':
      return send(302, '', { location: `http://elsewhere.invalid/login?from=${encodeURIComponent(echo)}&raw=${echo.replace(/[^\x20-\x7e]/g, '')}` });
    case 'bad-value':
      // Short enough to be quoted whole in the parse error.
      return send(200, vector(decodedAuth(req), { [decodedAuth(req)]: 'x' }));
  }
}

interface Credentials {
  readonly name: string;
  readonly url: (base: string) => string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

let work: string;
const servers = new Map<Fault, FakeServer>();
let credentials: Credentials[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-secrets-'));
  await writeFile(join(work, 'token'), `${TOKEN}\n`);
  await writeFile(join(work, 'password'), `${FILE_PASSWORD}\n`);
  for (const fault of FAULTS) servers.set(fault, await startFakeServer((req, res) => answer(fault, req, res)));
  const headers = ['--header', `X-Scope-OrgID: ${ORG}`, '--header', `X-Api-Key: ${API_KEY}`];
  credentials = [
    { name: 'bearer token from env, headers', url: (b) => b, args: headers, env: { AGENT_SLO_PROMETHEUS_BEARER_TOKEN: TOKEN } },
    { name: 'bearer token file', url: (b) => b, args: ['--bearer-token-file', join(work, 'token')], env: {} },
    { name: 'basic auth in the URL', url: (b) => b.replace('http://', `http://${USER}:${encodeURIComponent(URL_PASSWORD)}@`), args: [], env: {} },
    { name: 'basic auth, password from env', url: (b) => b, args: ['--basic-auth-user', USER, ...headers], env: { AGENT_SLO_PROMETHEUS_PASSWORD: ENV_PASSWORD } },
    { name: 'basic auth, password file', url: (b) => b, args: ['--basic-auth-user', USER, '--basic-auth-password-file', join(work, 'password')], env: {} },
  ];
});

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
  await rm(work, { recursive: true, force: true });
});

/** One command run: its exit code and every byte it wrote (streams and files in its own directory). */
interface Written {
  code: number;
  bytes: string;
}

const ENV_KEYS = ['AGENT_SLO_PROMETHEUS_BEARER_TOKEN', 'AGENT_SLO_PROMETHEUS_PASSWORD', 'AGENT_SLO_PROMETHEUS_URL'] as const;

let runs = 0;
/** Runs the CLI in this process (same code path as the binary, minus process start-up); sequential, as it sets env. */
async function runCommand(args: (dir: string) => string[], cred: Credentials, url: string): Promise<Written> {
  const dir = await mkdtemp(join(work, `run-${++runs}-`));
  const saved = ENV_KEYS.map((k) => process.env[k]);
  for (const k of ENV_KEYS) delete process.env[k];
  Object.assign(process.env, cred.env);
  try {
    const r = await runCliInProcess([...args(dir), '--prometheus-url', cred.url(url), ...cred.args]);
    const files = await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')));
    return { code: r.code, bytes: [r.out, r.err, ...files].join('\n') };
  } finally {
    ENV_KEYS.forEach((k, i) => {
      if (saved[i] === undefined) delete process.env[k];
      else process.env[k] = saved[i];
    });
  }
}

/** Runs serve as a process, asks every endpoint, stops it; returns all it wrote and all it answered. */
async function runServe(cred: Credentials, url: string): Promise<Written> {
  const child = spawn(process.execPath, [CLI, 'serve', '--profile', 'runtime-v1', '--port', '0', '--cache-seconds', '0', '--prometheus-url', cred.url(url), ...cred.args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AGENT_SLO_PROMETHEUS_BEARER_TOKEN: '', AGENT_SLO_PROMETHEUS_PASSWORD: '', ...cred.env },
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const answers: string[] = [];
  try {
    const deadline = Date.now() + 20_000;
    while (!/http:\/\/127\.0\.0\.1:\d+\/healthz/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const base = /(http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(out)?.[1];
    expect(base, `${out}\n${err}`).toBeDefined();
    for (const path of ['/api/slo/status', '/readyz', '/metrics']) {
      const res = await fetch(`${base!}${path}`);
      answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
    }
  } finally {
    child.kill('SIGTERM');
  }
  const code = (await exited) ?? -1;
  return { code, bytes: [out, err, ...answers].join('\n') };
}

function expectNoSecret(w: Written, what: string): void {
  for (const secret of FORBIDDEN) {
    const at = w.bytes.indexOf(secret);
    expect(at, `${what}: "${secret}" leaked: …${w.bytes.slice(Math.max(0, at - 200), at + 100)}…`).toBe(-1);
  }
}

const COMMANDS: { name: string; args: (dir: string) => string[] }[] = [
  ...(['text', 'json', 'markdown', 'junit'] as const).map((format) => ({
    name: `gate --format ${format}`,
    args: (dir: string) => ['gate', '--profile', 'runtime-v1', '--at', '1750000000', '--retries', '0', '--format', format, '--output', join(dir, 'report'), '--audit-log', join(dir, 'audit.jsonl')],
  })),
  { name: 'gate (report on stdout)', args: (dir) => ['gate', '--profile', 'kokino', '--at', '1750000000', '--retries', '0', '--format', 'json', '--audit-log', join(dir, 'audit.jsonl')] },
  ...(['markdown', 'json'] as const).map((format) => ({
    name: `review --format ${format}`,
    args: (dir: string) => ['review', '--profile', 'runtime-v1', '--at', '1750000000', '--retries', '0', '--format', format, '--audit-log', join(dir, 'none.jsonl')],
  })),
  ...(['text', 'json'] as const).map((format) => ({
    name: `backfill check --format ${format}`,
    args: (dir: string) => ['backfill', 'check', '--profile', 'runtime-v1', '--from', '1749900000', '--to', '1750000000', '--no-gate', '--retries', '0', '--format', format, '--output', join(dir, 'report')],
  })),
];

describe('no secret in any output (echoing server, every command, format and credential form)', () => {
  for (const fault of FAULTS) {
    it(`server fault: ${fault}`, async () => {
      const url = servers.get(fault)!.url;
      const results: { what: string; w: Written }[] = [];
      for (const [i, c] of COMMANDS.entries()) {
        const cred = credentials[(i + FAULTS.indexOf(fault)) % credentials.length]!;
        results.push({ what: `${c.name} with ${cred.name}`, w: await runCommand(c.args, cred, url) });
      }
      const cred = credentials[FAULTS.indexOf(fault) % credentials.length]!;
      results.push({ what: `serve with ${cred.name}`, w: await runServe(cred, url) });
      for (const { what, w } of results) {
        expectNoSecret(w, `${fault}: ${what}`);
        // The echo reached the output (so this run really tested redaction), with the secrets cut out.
        expect(w.bytes, `${fault}: ${what}`).toContain('[REDACTED]');
        // Review and serve show the server's warnings (review on stderr as it fails on the ALERTS answer's shape).
        if (fault === 'warnings' && what.startsWith('review')) expect(w.bytes, what).toMatch(/warning from Prometheus: .*\[REDACTED\]/);
        if (fault === 'warnings' && what.startsWith('serve')) expect(w.bytes, what).toMatch(/"warnings": ?\[\s*"[^"]*\[REDACTED\]/);
      }
    });
  }
});

describe('every command sends the one connection option set', () => {
  it('gate, review, backfill check and serve send the token, basic auth and extra headers on every request', async () => {
    const seen: RecordedRequest[] = [];
    const ok = await startFakeServer((req, res) => {
      seen.push(req);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    });
    try {
      for (const cred of [credentials[0]!, credentials[3]!]) {
        for (const c of [COMMANDS[1]!, COMMANDS[5]!, COMMANDS[7]!]) {
          seen.length = 0;
          await runCommand(c.args, cred, ok.url);
          expect(seen.length, c.name).toBeGreaterThan(0);
          for (const req of seen) expectHeaders(req, cred, c.name);
        }
        seen.length = 0;
        await runServe(cred, ok.url);
        expect(seen.length, 'serve').toBeGreaterThan(0);
        for (const req of seen) expectHeaders(req, cred, 'serve');
      }
    } finally {
      await ok.close();
    }
  });
});

function expectHeaders(req: RecordedRequest, cred: Credentials, what: string): void {
  expect(req.headers['x-scope-orgid'], `${what}: ${req.url}`).toBe(ORG);
  expect(req.headers['x-api-key'], what).toBe(API_KEY);
  const expected = cred.env.AGENT_SLO_PROMETHEUS_BEARER_TOKEN !== undefined ? `Bearer ${TOKEN}` : `Basic ${Buffer.from(`${USER}:${ENV_PASSWORD}`).toString('base64')}`;
  expect(req.headers.authorization, what).toBe(expected);
}
