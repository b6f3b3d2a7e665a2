/**
 * The status page in a real browser (Debian chromium, headless, via playwright-core) against a real Prometheus
 * (Debian 2.42) holding 31 days of backfilled kokino history (the demo's `kokino-availability-incident` scenario,
 * ending two minutes ago) and evaluating the generated kokino rules, so alerts fire and are pending now.
 *
 * TEST OVERLAY: the generated rule groups are evaluated every 5 s instead of their spec interval (rules unchanged
 * otherwise), so alerts appear within seconds.
 *
 * Asserts: every objective's state and values on the page equal /api/slo/status; charts draw the series
 * /api/ui/series answers (JSON island + data attributes) and coloured pixels are on the screenshot; alerts and the
 * gate history are listed; the gate's dry run writes nothing; a spec with <script> in names and descriptions stays
 * inert; no horizontal scroll at 390 px and every objective reachable with Tab and Enter; stopping Prometheus
 * shows the reason and removes the values. Screenshots: test-artifacts/ui/ (git-ignored).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { importHistory } from '../../src/backfill/import.js';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { runCli } from '../../src/cli/run.js';
import type { Io } from '../../src/cli/io.js';
import { runGate } from '../../src/gate/gate.js';
import { generateRuleFile } from '../../src/generate/prometheus/rules.js';
import { createPrometheusClient } from '../../src/prometheus/client.js';
import { readLastGate } from '../../src/audit/summary.js';
import { type RunningServe, startServe } from '../../src/serve/server.js';
import type { ObjectiveStatus, StatusDocument } from '../../src/serve/status.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { REPO_ROOT } from '../harness/cli.js';
import { type Chromium, countColouredPixels, launchChromium } from '../harness/browser.js';

/** Where the screenshots and measurements go (git-ignored; CI keeps the folder as an artifact). */
export const UI_ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'ui');

const XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';
let dir: string;
let prom: RunningPrometheus;
/** Status cached for 10 min: the page and the test read the same evaluation. */
let serve: RunningServe;
/** Cached for 3 s: alerts as Prometheus holds them now, and Prometheus stopping mid-test. */
let live: RunningServe;
let browser: Chromium;
let kokino: Profile;
let auditLog: string;
const end = Math.floor(Date.now() / 1000) - 30;

function silentIo(): Io & { text: () => string } {
  const lines: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => lines.push(l), isTty: false, text: () => lines.join('\n') };
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  return { status: res.status, body: (await res.json()) as T };
}

/** kokino with <script> in the profile title, an objective title, a description and the runbook base. */
async function xssSpec(): Promise<string> {
  const doc = parse(await readFile(shippedProfilePath('kokino'), 'utf8')) as {
    metadata: Record<string, string>;
    objectives: { name: string; title: string; description: string }[];
  };
  doc.metadata.name = 'xss-check';
  doc.metadata.title = `XSS ${XSS}`;
  doc.metadata.runbookBaseUrl = 'javascript:window.__xss=3;//';
  for (const o of doc.objectives) {
    o.title = `${o.title} ${XSS}`;
    o.description = `${o.description} ${XSS}`;
  }
  const file = join(dir, 'xss-check.yaml');
  await writeFile(file, stringify(doc));
  return file;
}

/** The generated kokino rules, every group evaluated every 5 s (TEST OVERLAY, see the header). */
async function fastRules(profile: Profile): Promise<string> {
  const generated = generateRuleFile(profile, 'profiles/kokino.yaml');
  const doc = parse(generated.content) as { groups: { interval?: string }[] };
  for (const g of doc.groups) g.interval = '5s';
  const file = join(dir, 'kokino-rules.yaml');
  await writeFile(file, `# TEST OVERLAY: generated kokino rules evaluated every 5s\n${stringify(doc, { lineWidth: 0 })}`);
  return file;
}

async function page(width: number): Promise<Page> {
  const p = await browser.context.newPage();
  await p.setViewportSize({ width, height: width < 500 ? 844 : 900 });
  p.on('pageerror', (err) => {
    throw err;
  });
  return p;
}

async function shot(p: Page, name: string): Promise<Buffer> {
  const file = join(UI_ARTIFACTS, `${name}.png`);
  return p.screenshot({ path: file, fullPage: true });
}

/** An attribute of every element matching `selector` (evaluated in the page; the test project has no DOM types). */
async function attrs(p: Page, selector: string, attr: string): Promise<(string | null)[]> {
  return await p.evaluate<(string | null)[]>(`Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((e) => e.getAttribute(${JSON.stringify(attr)}))`);
}

/** Fails with the elements that stick out when the page scrolls sideways. */
async function expectNoHorizontalScroll(p: Page, what: string): Promise<void> {
  const width = await p.evaluate<number>('document.documentElement.scrollWidth');
  const culprits = await p.evaluate<string>(
    `Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 8).map((e) => e.tagName + '.' + e.className + ' → ' + Math.round(e.getBoundingClientRect().right) + 'px').join('; ')`,
  );
  expect(width, `${what}: ${culprits}`).toBeLessThanOrEqual(390);
}

function statusObjectives(doc: StatusDocument): [string, ObjectiveStatus][] {
  return Object.entries(doc).filter((e): e is [string, ObjectiveStatus] => e[0] !== '_meta');
}

beforeAll(async () => {
  await mkdir(UI_ARTIFACTS, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-ui-'));
  kokino = await loadProfile(shippedProfilePath('kokino'));
  const xss = await loadProfile(await xssSpec());
  const dataDir = join(dir, 'data');
  await importHistory({ source: { scenario: 'kokino-availability-incident', endSeconds: end }, dataDir });
  prom = await startPrometheus({ dataDir, ruleFiles: [await fastRules(kokino)], evaluationInterval: '5s' });

  // Decision history: a blocked run now, a passing run 18 h ago, an approval, an override, a hotfix run.
  auditLog = join(dir, 'audit.jsonl');
  const client = createPrometheusClient({ url: prom.url, timeoutMs: 120_000 });
  try {
    const gate = (at: number, hotfix = false) =>
      runGate({ profile: kokino, client, at, selector: [], selectorText: [], hotfix, audit: { log: auditLog }, toolVersion: 'test' });
    expect((await gate(end - 18 * 3600)).verdict).toBe('pass');
    expect((await gate(end)).verdict).toBe('blocked');
    for (const kind of ['approve', 'override']) {
      const io = silentIo();
      const code = await runCli(
        [kind, '--profile', 'kokino', '--objective', 'latency_p95', '--actor', `alice-${kind}`, '--reason', `${kind} for the incident ${XSS}`, '--ticket', `OPS-${kind === 'approve' ? 1 : 2}`, '--expires', '24h', '--audit-log', auditLog],
        io,
      );
      expect(code, io.text()).toBe(0);
    }
    await gate(end, true);
  } finally {
    await client.close();
  }
  const start = (cacheSeconds: number): Promise<RunningServe> =>
    startServe({ profiles: [kokino, xss], prometheus: { url: prom.url }, port: 0, cacheSeconds, auditLog, lastGate: () => readLastGate(auditLog), toolVersion: 'test' });
  serve = await start(600);
  live = await start(3);
  // Wait until the incident's budget alert fires (the recorded series it reads exist) before looking at the page.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const a = await getJson<{ data: { alerts: { labels: Record<string, string>; state: string }[] } }>(`${prom.url}/api/v1/alerts`);
    if (a.body.data.alerts.some((x) => x.state === 'firing' && x.labels.alertname === 'SLOAvailabilityBudgetExhausted')) break;
    if (Date.now() > deadline) throw new Error(`SLOAvailabilityBudgetExhausted not firing after 60 s:\n${prom.logs()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await serve?.close();
  await live?.close();
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the status page in chromium', () => {
  it('overview: every objective shows the state and values of /api/slo/status (1280 px); page weight and first render', async () => {
    const p = await page(1280);
    await p.goto(`${serve.url}/`);
    await p.waitForSelector('.card[data-key]');
    const doc = (await getJson<StatusDocument>(`${serve.url}/api/slo/status`)).body;
    expect(await p.getAttribute('#freshness', 'data-evaluated-at'), 'the page shows the evaluation the API answers').toBe(doc._meta.evaluatedAt);
    const objectives = statusObjectives(doc);
    expect(objectives.length).toBe(10);
    for (const [key, o] of objectives) {
      const card = p.locator(`.card[data-key="${key}"]`);
      expect(await card.getAttribute('data-state'), key).toBe(o.state);
      expect(await card.getAttribute('data-value'), key).toBe(JSON.stringify(o.value));
      expect(await card.getAttribute('data-budget-remaining'), key).toBe(JSON.stringify(o.errorBudget?.remaining ?? null));
      const badge = (await card.locator('.badge').first().textContent()) ?? '';
      expect(badge.trim().length, `${key}: the state is written, not only coloured`).toBeGreaterThan(2);
      if (o.state === 'not_active') {
        expect(await card.textContent()).toContain('Not active');
        continue;
      }
      expect(await card.locator('.v-events').textContent()).toContain(`in ${o.windows.alert?.window}`);
      if (o.unit === 'ratio' && typeof o.value === 'number') expect(await card.locator('.v-value').textContent()).toContain(`${(o.value * 100).toFixed(2).slice(0, -1)}`);
      if (o.errorBudget !== null) {
        const rates = Object.keys(o.errorBudget.burnRates);
        const text = (await card.textContent()) ?? '';
        for (const r of rates) expect(text, `${key} burn rate ${r}`).toContain(`${r} `);
      }
    }
    expect(await p.getAttribute('.card[data-key="kokino/availability"]', 'data-state')).toBe('critical');
    const timing = JSON.parse(
      await p.evaluate<string>(`JSON.stringify({
        render: performance.getEntriesByName('agent-slo:first-render')[0]?.startTime ?? null,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        bytes: performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation')).map((e) => ({ name: e.name, transfer: e.transferSize, body: e.decodedBodySize })),
      })`),
    ) as { render: number | null; fcp: number | null; bytes: { name: string; transfer: number; body: number }[] };
    expect(timing.render).not.toBeNull();
    const assets = timing.bytes.filter((b) => !b.name.includes('/api/'));
    const weight = { pageBytes: assets.reduce((n, b) => n + b.body, 0), transferBytes: assets.reduce((n, b) => n + b.transfer, 0), apiBytes: timing.bytes.filter((b) => b.name.includes('/api/')).reduce((n, b) => n + b.body, 0) };
    // Warm: the status is cached by serve now, so this is the page's own cost (a cold load waits for the first evaluation).
    await p.reload();
    await p.waitForSelector('.card[data-key]');
    const warm = await p.evaluate<number | null>(`performance.getEntriesByName('agent-slo:first-render')[0]?.startTime ?? null`);
    await writeFile(
      join(UI_ARTIFACTS, 'measurements.json'),
      `${JSON.stringify({ firstRenderColdMs: timing.render, firstRenderWarmMs: warm, firstContentfulPaintMs: timing.fcp, ...weight, resources: timing.bytes }, null, 2)}\n`,
    );
    expect(weight.pageBytes).toBeLessThan(200_000);
    await shot(p, 'overview-1280');
    await p.close();
  });

  it('390 px: no horizontal scroll, every objective reachable with Tab and Enter opens it', async () => {
    const p = await page(390);
    await p.goto(`${serve.url}/`);
    await p.waitForSelector('.card[data-key]');
    await expectNoHorizontalScroll(p, 'overview');
    await shot(p, 'overview-390');
    const keys = (await attrs(p, '.card[data-key]', 'data-key')) as string[];
    const reached = new Set<string>();
    for (let i = 0; i < 80 && reached.size < keys.length; i++) {
      await p.keyboard.press('Tab');
      const k = await p.evaluate<string | null>('document.activeElement && document.activeElement.getAttribute("data-key")');
      if (k !== null) reached.add(k);
    }
    expect([...reached].sort()).toEqual([...keys].sort());
    // Enter on the focused card opens its detail view.
    const focused = await p.evaluate<string>('document.activeElement.getAttribute("data-key")');
    await p.keyboard.press('Enter');
    await p.waitForSelector(`main[data-key="${focused}"]`);
    await p.goto(`${serve.url}/#/objective/${encodeURIComponent('kokino/availability')}`);
    await p.waitForSelector('figure[data-chart="sli"][data-rendered="true"]');
    await expectNoHorizontalScroll(p, 'objective');
    await shot(p, 'objective-390');
    await p.goto(`${serve.url}/#/gate/kokino`);
    await p.waitForSelector('#gate-now[data-verdict]');
    await expectNoHorizontalScroll(p, 'gate');
    await shot(p, 'gate-390');
    await p.close();
  });

  it('objective detail: charts draw the series the API answers, with coloured pixels; its alerts with runbook', async () => {
    const p = await page(1280);
    const key = 'kokino/availability';
    await p.goto(`${serve.url}/#/objective/${encodeURIComponent(key)}`);
    for (const c of ['sli', 'budget', 'burn']) await p.waitForSelector(`figure[data-chart="${c}"][data-rendered="true"]`);
    const island = JSON.parse((await p.locator('script.chart-data[data-chart="series"]').textContent()) ?? 'null') as {
      sli: { points: [number, number | null][]; window: string };
      budget: { points: [number, number | null][] };
      burn: { windows: Record<string, [number, number | null][]> };
      evaluatedAt: string;
      _meta: unknown;
    };
    const api = (await getJson<typeof island>(`${serve.url}/api/ui/series?key=${encodeURIComponent(key)}`)).body;
    expect(island).toEqual({ ...api, _meta: island._meta });
    expect(island.sli.window).toBe('1h');
    const sliPoints = island.sli.points.filter((x) => x[1] !== null);
    expect(sliPoints.length).toBeGreaterThan(200);
    expect(Math.min(...sliPoints.map((x) => x[1] as number))).toBeLessThan(0.99); // the incident's last 10 hours
    expect(Number(await p.getAttribute('figure[data-chart="sli"]', 'data-points'))).toBe(island.sli.points.length);
    expect(Number(await p.getAttribute('figure[data-chart="sli"]', 'data-nonnull'))).toBe(sliPoints.length);
    const budget = island.budget.points.filter((x) => x[1] !== null).map((x) => x[1] as number);
    expect(budget[0]).toBe(1);
    expect(budget.at(-1)!).toBeLessThan(0); // exhausted by the incident
    expect(Object.keys(island.burn.windows).sort()).toEqual(['1h', '5m', '6h', '7d']);
    const chartPng = await p.locator('figure[data-chart="sli"] canvas').screenshot();
    expect(await countColouredPixels(browser.context, chartPng, [0x0b, 0x57, 0xb0], 30), 'SLI line pixels').toBeGreaterThan(300);
    const budgetPng = await p.locator('figure[data-chart="budget"] canvas').screenshot();
    expect(await countColouredPixels(browser.context, budgetPng, [0x6f, 0x42, 0xc1], 30), 'budget line pixels').toBeGreaterThan(300);
    await shot(p, 'objective-1280');

    // Its alerts as Prometheus holds them now (the 3 s cache server).
    await p.goto(`${live.url}/#/objective/${encodeURIComponent(key)}`);
    await p.waitForSelector('#alerts[data-count]');
    const listed = await attrs(p, '#alerts tr[data-alertname]', 'data-alertname');
    const shown = JSON.parse((await p.locator('script.chart-data[data-chart="alerts"]').textContent()) ?? 'null') as { alerts: { alertname: string; objective: string }[] };
    expect(listed).toEqual(shown.alerts.filter((a) => a.objective === 'availability').map((a) => a.alertname));
    expect(listed.length).toBeGreaterThan(0);
    expect(await p.locator('#alerts').textContent()).toContain('docs/runbooks/kokino/availability.md');
    await p.close();
  });

  it('overview lists the alerts firing and pending in Prometheus, with their runbooks', async () => {
    const promAlerts = async (): Promise<Set<string>> =>
      new Set(
        (await getJson<{ data: { alerts: { labels: Record<string, string>; state: string }[] } }>(`${prom.url}/api/v1/alerts`)).body.data.alerts
          .filter((a) => a.labels.slo_profile === 'kokino')
          .map((a) => `${a.labels.alertname}|${a.state}`),
      );
    const p = await page(1280);
    // Rules keep being evaluated: the page's list must be what Prometheus held just before or just after it.
    const before = await promAlerts();
    await p.goto(`${live.url}/`);
    await p.waitForSelector('#alerts[data-count]');
    const after = await promAlerts();
    const rows = await p.evaluate<string[]>(
      `Array.from(document.querySelectorAll('#alerts tr[data-alertname]')).map((e) => e.getAttribute('data-alertname') + '|' + e.getAttribute('data-alertstate'))`,
    );
    const kokinoRows = rows.filter((r) => !r.includes('xss'));
    expect(kokinoRows.length).toBeGreaterThan(0);
    for (const r of kokinoRows) expect(before.has(r) || after.has(r), `${r} is in Prometheus`).toBe(true);
    const both = [...before].filter((x) => after.has(x));
    for (const x of both) expect(kokinoRows, `${x} held by Prometheus throughout is listed`).toContain(x);
    expect(rows.some((r) => r.endsWith('|firing'))).toBe(true);
    expect(await p.locator('#alerts').textContent()).toContain('docs/runbooks/kokino/');
    await p.close();
  });

  it('gate view: history with approvals, overrides, hotfix; the dry run says blocked and writes nothing', async () => {
    const before = createHash('sha256').update(await readFile(auditLog)).digest('hex');
    const p = await page(1280);
    await p.goto(`${serve.url}/#/gate/kokino`);
    await p.waitForSelector('#gate-now[data-verdict]');
    expect(await p.getAttribute('#gate-now', 'data-verdict')).toBe('blocked');
    expect(await p.locator('#gate-now').textContent()).toContain('dry run, not recorded');
    const runs = await attrs(p, 'table.runs tr[data-verdict]', 'data-verdict');
    expect(runs).toHaveLength(3);
    expect(runs.at(-1)).toBe('pass');
    const runsText = (await p.locator('table.runs').textContent()) ?? '';
    expect(runsText).toContain('hotfix used'); // the freeze passed by --hotfix, still blocked by the critical breach
    const decisions = p.locator('table.decisions');
    expect(await decisions.locator('tr[data-kind="approval"]').count()).toBe(1);
    expect(await decisions.locator('tr[data-kind="override"]').count()).toBe(1);
    const text = (await decisions.textContent()) ?? '';
    for (const s of ['alice-approve', 'alice-override', 'OPS-1', 'OPS-2', '(in effect)', XSS]) expect(text).toContain(s);
    expect(await p.locator('#audit .badge').first().getAttribute('data-state')).toBe('verified');
    await shot(p, 'gate-1280');
    await p.close();
    const after = createHash('sha256').update(await readFile(auditLog)).digest('hex');
    expect(after, 'the dry run never writes the audit log').toBe(before);
  });

  it('a spec with <script> in names and descriptions renders inert text', async () => {
    const p = await page(1280);
    const dialogs: string[] = [];
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await p.goto(`${serve.url}/`);
    await p.waitForSelector('.card[data-key="xss-check/availability"]');
    expect(await p.locator('.card[data-key="xss-check/availability"] .title').textContent()).toBe(`Availability ${XSS}`);
    await p.goto(`${serve.url}/#/objective/${encodeURIComponent('xss-check/availability')}`);
    await p.waitForSelector('figure[data-chart="sli"][data-rendered="true"]');
    expect(await p.locator('h1.obj-title').textContent()).toContain(XSS);
    expect(await p.locator('.facts').textContent()).toContain('javascript:window.__xss=3;//availability.md');
    expect(await p.locator('a[href^="javascript:"]').count()).toBe(0);
    await p.goto(`${serve.url}/#/gate/xss-check`);
    await p.waitForSelector('#gate-now[data-verdict]');
    expect(await p.evaluate('typeof window.__xss')).toBe('undefined');
    expect(await p.locator('img').count()).toBe(0);
    expect(await p.locator('script:not([type="application/json"])').count()).toBe(2); // uPlot and the app, nothing else
    expect(dialogs).toEqual([]);
    await shot(p, 'xss-1280');
    await p.close();
  });

  it('review --format html: one self-contained file, SVG charts without script, rendered in chromium', async () => {
    for (const period of ['week', 'month'] as const) {
      const io = silentIo();
      const code = await runCli(['review', '--period', period, '--format', 'html', '--profile', 'kokino', '--prometheus-url', prom.url, '--audit-log', auditLog], io);
      const html = io.text();
      expect(code, html.slice(0, 2000)).toBe(0);
      const file = join(UI_ARTIFACTS, `review-${period}.html`);
      await writeFile(file, html);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
      const p = await page(1280);
      const requests: string[] = [];
      p.on('request', (r) => requests.push(r.url()));
      await p.goto(`file://${file}`);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      expect(await p.locator('script').count()).toBe(0);
      const availability = p.locator('section.objective[data-objective="availability"]');
      expect(await availability.locator('svg').count()).toBe(2); // value per slice + budget spent per slice
      const slices = await p.locator('table.slices thead th').count();
      expect(await availability.locator('svg').first().locator('circle').count()).toBe(slices - 1);
      expect(await availability.locator('svg').nth(1).locator('rect[fill="#6f42c1"]:has(title)').count()).toBe(slices - 1); // bars (the legend swatch has no title)
      if (period === 'month') expect(await p.locator('table.history tbody tr').count()).toBe(3);
      expect(await p.locator('table.decisions').textContent()).toContain('alice-override');
      await shot(p, `review-${period}-1280`);
      await p.close();
    }
  });

  it('Prometheus stopped: the page says why and shows no values', async () => {
    const p = await page(1280);
    await p.goto(`${live.url}/`);
    await p.waitForSelector('.card[data-key]');
    await prom.stop();
    // The page refreshes every max(5, cacheSeconds) s; the next refresh finds Prometheus gone.
    await p.waitForSelector('#problem:not([hidden])', { timeout: 30_000 });
    const problem = (await p.locator('#problem').textContent()) ?? '';
    expect(problem).toContain('Prometheus cannot answer');
    expect(problem).toMatch(/connection refused|ECONNREFUSED/);
    expect(await p.locator('.card').count()).toBe(0);
    expect(await p.locator('#freshness').textContent()).toContain('no current data');
    await shot(p, 'prometheus-down-1280');
    await p.goto(`${live.url}/#/objective/${encodeURIComponent('kokino/availability')}`);
    await p.waitForSelector('#problem:not([hidden])');
    expect(await p.locator('.tile').count()).toBe(0);
    await p.close();
  });
});
