/**
 * Seeded random SLO specs that are valid by construction: names and free text full of metacharacters (Go template
 * braces, quotes, backslashes, line breaks, YAML and PromQL syntax), every SLI kind, random windows, thresholds,
 * owners, matchers, escalations, budgets and notification timings. Windows stay short (≤ 6h) so that the promtool
 * tests generated for hundreds of specs run in seconds.
 */
import { COUNTER_SIGNALS, HISTOGRAM_SIGNALS } from '../../src/conventions.js';

type Rng = () => number;

const NASTY = ['{{', '}}', '{{ .Labels }}', '{{ end }}', '{', '}', '"', "'", '\\', '$value', '`', '|', '#', ': ', '- ', '\n', '\r\n', '\t', '%', '&*', '<b>', 'é', '漢', '[5m]', '{{window}}', '--', '@'];
const WORDS = ['checkout', 'agent', 'tool', 'model', 'p95', 'latency', 'cost', 'team', 'sre', 'ops', 'lead', 'x'];

function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function int(r: Rng, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Free text: words and metacharacters, never empty. */
export function nastyText(r: Rng, max = 6): string {
  const n = int(r, 1, max);
  let out = '';
  for (let i = 0; i < n; i++) out += r() < 0.5 ? pick(r, NASTY) : `${pick(r, WORDS)} `;
  return out.trim() === '' ? `t${out}` : out;
}

const MINUTES = [1, 2, 5, 10, 15, 30, 60, 90, 120, 180, 360];

function minutes(m: number): string {
  return m % 60 === 0 ? `${String(m / 60)}h` : `${String(m)}m`;
}

function ascending(r: Rng, n: number, lo: number, hi: number): number[] {
  const xs = Array.from({ length: n }, () => lo + r() * (hi - lo)).sort((a, b) => a - b);
  return xs.map((x) => Number(x.toPrecision(4)));
}

const COUNTERS = Object.keys(COUNTER_SIGNALS);
const HISTOGRAMS = Object.entries(HISTOGRAM_SIGNALS).map(([name, s]) => ({ name, unit: s.unit }));
const USER_PROMQL = [
  'sum(increase(http_requests_total{code=~"5.."}[{{window}}]))',
  'sum by (job) (increase(jobs_failed_total{queue="a\\"b"}[{{window}}]))',
  'sum(rate(events_total[{{window}}])) * 60',
  'sum(increase(x_total[{{window}}:1m]))',
];

function labelName(r: Rng): string {
  return pick(r, ['tool', 'route', 'tenant', 'region', 'gen_ai_request_model', 'x_y']);
}

function matchers(r: Rng): Record<string, string> | undefined {
  if (r() < 0.5) return undefined;
  const out: Record<string, string> = {};
  for (let i = int(r, 1, 3); i > 0; i--) out[labelName(r)] = nastyText(r, 3);
  return out;
}

function eventSource(r: Rng, allowPromql: boolean): Record<string, unknown> {
  if (allowPromql && r() < 0.25) return { promql: pick(r, USER_PROMQL) };
  const m = matchers(r);
  return { signal: pick(r, COUNTERS), ...(m === undefined ? {} : { matchers: m }) };
}

function threshold(r: Rng, value: number): Record<string, unknown> {
  return { threshold: value, ...(r() < 0.4 ? { for: pick(r, ['0s', '1m', '5m', '90s', '1h']) } : {}), ...(r() < 0.3 ? { severity: nastyText(r, 2) } : {}) };
}

function objective(r: Rng, index: number, alertMin: number, gateMin: number): Record<string, unknown> {
  const kind = pick(r, ['ratio', 'ratio', 'quantile', 'average', 'perEvent', 'zeroTolerance'] as const);
  const base: Record<string, unknown> = {
    name: `o${String(index)}_${pick(r, WORDS)}`,
    ...(r() < 0.8 ? { title: nastyText(r) } : {}),
    ...(r() < 0.7 ? { description: nastyText(r, 10) } : {}),
    runbook: r() < 0.5 ? `https://runbooks.example/${nastyText(r, 2)}` : `docs/${nastyText(r, 2)}.md`,
    ...(r() < 0.5 ? { owner: `@${nastyText(r, 2)}` } : {}),
    ...(r() < 0.5 ? { channel: `#${nastyText(r, 2)}` } : {}),
    ...(r() < 0.3 ? { team: nastyText(r, 2) } : {}),
    ...(r() < 0.5 ? { minEvents: int(r, 0, 500) } : {}),
    ...(r() < 0.3 ? { windows: { alert: minutes(alertMin), gate: minutes(gateMin) } } : {}),
  };
  const promqlOk = true;
  switch (kind) {
    case 'ratio': {
      const higher = r() < 0.7;
      const [c, w, t] = higher ? ascending(r, 3, 0.5, 0.9999) : ascending(r, 3, 0.0001, 0.5).reverse();
      const numerator = r() < 0.5 ? 'good' : 'bad';
      const budget =
        r() < 0.4
          ? {
              errorBudget: {
                window: minutes(Math.max(gateMin, pick(r, [360, 240]))),
                ...(r() < 0.5 ? { burnRateAlerts: [{ name: 'fast_burn', consumed: Number((0.01 + r() * 0.5).toFixed(3)), within: '1h', shortWindow: pick(r, ['5m', '1m', '10m']), severity: nastyText(r, 2) }] } : {}),
                ...(r() < 0.3 ? { onExhausted: 'alert', exhaustedSeverity: nastyText(r, 2) } : {}),
              },
            }
          : {};
      return {
        ...base,
        direction: higher ? 'higher_is_better' : 'lower_is_better',
        unit: 'ratio',
        target: t,
        ...(r() < 0.7 ? { warning: threshold(r, w!) } : {}),
        critical: threshold(r, c!),
        sli: { ratio: { [numerator]: eventSource(r, promqlOk), total: eventSource(r, promqlOk) } },
        ...budget,
        ...(r() < 0.4 ? { escalation: escalation(r) } : {}),
      };
    }
    case 'quantile':
    case 'average': {
      const h = pick(r, HISTOGRAMS);
      const m = matchers(r);
      const histogram = r() < 0.7 ? { signal: h.name, ...(m === undefined ? {} : { matchers: m }) } : { metric: `my_${pick(r, WORDS)}_seconds`, unit: 's', ...(m === undefined ? {} : { matchers: m }) };
      const time = ('signal' in histogram ? h.unit : 's') === 's';
      const unit = time ? pick(r, ['s', 'ms']) : pick(r, ['By', 'MB', 'GB']);
      const [t, w, c] = ascending(r, 3, 0.01, unit === 'ms' ? 20_000 : 20);
      return {
        ...base,
        direction: 'lower_is_better',
        unit,
        target: t,
        ...(r() < 0.7 ? { warning: threshold(r, w!) } : {}),
        critical: threshold(r, c!),
        sli: kind === 'quantile' ? { quantile: { histogram, quantile: pick(r, [0.5, 0.9, 0.95, 0.99, 0.999]) } } : { average: { histogram } },
        ...(r() < 0.3 ? { errorBudget: { window: minutes(Math.max(gateMin, 360)), allowed: pick(r, [0.01, 0.05, 0.1]) } } : {}),
      };
    }
    case 'perEvent': {
      const [t, w, c] = ascending(r, 3, 0.001, 5);
      return {
        ...base,
        direction: 'lower_is_better',
        unit: 'USD',
        target: t,
        ...(r() < 0.7 ? { warning: threshold(r, w!) } : {}),
        critical: threshold(r, c!),
        sli: { perEvent: { value: { signal: 'task_cost_usd' }, events: eventSource(r, false) } },
      };
    }
    case 'zeroTolerance':
      return {
        ...base,
        direction: 'lower_is_better',
        unit: 'events',
        target: 0,
        critical: threshold(r, 0),
        sli: { zeroTolerance: { events: eventSource(r, promqlOk), ...(r() < 0.5 ? { population: eventSource(r, promqlOk) } : {}) } },
        ...(r() < 0.3 ? { escalation: escalation(r) } : {}),
      };
  }
}

function escalation(r: Rng): Record<string, unknown> {
  const to = `@${nastyText(r, 2)}`;
  const severity = r() < 0.5 ? { severity: nastyText(r, 2) } : {};
  switch (pick(r, ['after', 'immediate', 'when'] as const)) {
    case 'after':
      return { to, after: pick(r, ['1m', '5m', '30m']), ...severity };
    case 'immediate':
      return { to, immediate: true, ...severity };
    case 'when':
      return { to, when: { events: eventSource(r, false), above: int(r, 0, 50), window: pick(r, ['5m', '1h']) }, ...severity };
  }
}

/** One valid spec document (as data) for seed-derived randomness `r`; `i` makes the profile name unique. */
export function randomSpec(r: Rng, i: number): Record<string, unknown> {
  const alertMin = pick(r, MINUTES.filter((m) => m <= 60));
  const gateMin = pick(r, MINUTES.filter((m) => m >= alertMin));
  const objectives = Array.from({ length: r() < 0.8 ? 1 : 2 }, (_, k) => objective(r, k, alertMin, gateMin));
  const severities = ['critical', 'warning'];
  return {
    apiVersion: 'agent-slo/v1',
    kind: 'SLOProfile',
    metadata: {
      name: `p${String(i)}-${pick(r, WORDS)}`,
      service: nastyText(r, 3),
      ...(r() < 0.7 ? { title: nastyText(r) } : {}),
      ...(r() < 0.5 ? { description: nastyText(r, 8) } : {}),
      ...(r() < 0.3 ? { runbookBaseUrl: `https://runbooks.example/${nastyText(r, 2)}` } : {}),
      ...(r() < 0.3 ? { labels: { [labelName(r)]: nastyText(r, 2) } } : {}),
    },
    ...(r() < 0.4 ? { selector: { service_name: nastyText(r, 2) } } : {}),
    defaults: {
      windows: { alert: minutes(alertMin), gate: minutes(gateMin) },
      routing: { owner: `@${nastyText(r, 2)}`, channel: `#${nastyText(r, 2)}` },
      ...(r() < 0.3 ? { severities: { warning: nastyText(r, 2), critical: nastyText(r, 2) } } : {}),
    },
    ...(r() < 0.5 ? { gate: { approvalAfterConsecutiveWarnings: int(r, 0, 10), ...(r() < 0.3 ? { modelLabel: 'llm_model' } : {}) } } : {}),
    ...(r() < 0.6
      ? {
          notifications: {
            ...(r() < 0.5 ? { slack: { apiUrlFile: `/run/secrets/${pick(r, WORDS)}` } } : {}),
            ...(r() < 0.5 ? { webhook: { urlEnv: 'AGENT_SLO_PAGER_URL' }, pageSeverities: [pick(r, severities)] } : {}),
            ...(r() < 0.5 ? { groupWait: pick(r, ['0s', '10s', '1m', '1h']) } : {}),
            ...(r() < 0.5 ? { repeatInterval: pick(r, ['1m', '1h', '12h', '7d']) } : {}),
          },
        }
      : {}),
    objectives,
  };
}
