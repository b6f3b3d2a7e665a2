import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { appendAudit } from '../../src/audit/log.js';
import { lastGateOf, readAudit } from '../../src/audit/summary.js';
import type { ObjectiveReviewData, ReviewData, SpanValue } from '../../src/review/collect.js';
import { reviewPeriod, type Span } from '../../src/review/period.js';
import { buildReview, trendOf } from '../../src/review/report.js';
import { formatValue, historyTable, renderMarkdown } from '../../src/review/render.js';
import { budgetConsumed, computeSli, type Components } from '../../src/sli/compute.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Objective, Profile } from '../../src/profile/model.js';

let kokino: Profile;
beforeAll(async () => {
  kokino = await loadProfile(shippedProfilePath('kokino'));
});

const AT = Date.parse('2026-02-01T00:00:00Z') / 1000;

function span(o: Objective, s: Span, c: Components | undefined, bad?: number, total?: number): SpanValue {
  const outcome = c === undefined ? ({ status: 'no_data', reason: 'zero events in the window' } as const) : computeSli(o, c, c['le:30'] !== undefined ? 25 : undefined);
  const b = o.errorBudget;
  return { span: s, outcome, ...(b === undefined ? {} : { budget: { windowSeconds: s.end - s.start, allowed: b.allowed, bad, total, outcome: budgetConsumed(b.allowed, bad, total) } }) };
}

/** Availability: Nov 99.9%, Dec 99.8%, Jan 99.2% (budget 160% spent); data integrity clean; shadow not active. */
function data(): ReviewData {
  const period = reviewPeriod('month', AT);
  const obj = (name: string): Objective => kokino.objectives.find((o) => o.name === name)!;
  const avail = obj('availability');
  const ratio = (good: number): Components => ({ good, total: 10_000 });
  const objectives: ObjectiveReviewData[] = kokino.objectives.map((o) => {
    let comp: (s: Span, i: number) => [Components | undefined, number?, number?];
    if (o.name === 'availability') {
      const goods = [9990, 9980, 9920];
      comp = (_s, i) => [ratio(goods[i] ?? 9920), 10_000 - (goods[i] ?? 9920), 10_000];
    } else if (o.name === 'latency_p95') comp = () => [{ 'le:30': 980, 'le:60': 1000, count: 1000 }, 20, 1000];
    else if (o.name === 'data_integrity') comp = () => [{ bad: 0, population: 500 }, 0, 500];
    else if (o.name === 'memory_per_execution') comp = () => [{ sum: 3e11, count: 1000 }, 50, 1000];
    else comp = () => [undefined];
    const at = (s: Span, i: number): SpanValue => {
      const [c, bad, total] = comp(s, i);
      return span(o, s, c, bad, total);
    };
    return { objective: o, period: at(period, 2), previous: at(period.previous, 1), slices: period.slices.map((s) => at(s, 2)), history: period.history.map(at) };
  });
  expect(avail.errorBudget?.allowed).toBe(0.005);
  return { profile: kokino, period, objectives, alerts: [] };
}

describe('review report', () => {
  it('trend follows the direction and ignores changes under 1% of |target − critical|', () => {
    const avail = kokino.objectives[0]!;
    const latency = kokino.objectives[1]!;
    expect(trendOf(avail, 0.99, 0.999)).toBe('worse');
    expect(trendOf(avail, 0.99901, 0.999)).toBe('unchanged'); // 0.00001 ≤ 1% of 0.005
    expect(trendOf(avail, 0.9991, 0.999)).toBe('better');
    expect(trendOf(latency, 20, 40)).toBe('better');
    expect(trendOf(latency, null, 40)).toBe('n/a');
    expect(trendOf(latency, '+Inf', 40)).toBe('worse');
  });

  it('monthly report: budget consumed, not-active objective, needs attention and the history table', () => {
    const r = buildReview(data(), { generatedAt: AT, prometheusUrl: 'http://prom' });
    const a = r.objectives.find((o) => o.name === 'availability')!;
    expect(a.period.value).toBeCloseTo(0.992, 12);
    expect(a.period.state).toBe('below_target');
    expect(a.period.budgetConsumed).toBeCloseTo(1.6, 12);
    expect(a.trend).toBe('worse');
    expect(r.needsAttention[0]!.objective).toBe('availability');
    expect(r.needsAttention[0]!.reasons).toEqual([
      'target 0.995 missed over the month: 0.992',
      'error budget exhausted: 160% of it spent in the month',
      'worse than the previous month (0.998 → 0.992)',
    ]);
    const sh = r.objectives.find((o) => o.name === 'shadow_correctness')!;
    expect(sh.active).toBe(false);
    expect(sh.attention).toEqual([]);
    expect(r.needsAttention.map((n) => n.objective)).not.toContain('data_integrity');

    const table = historyTable(r);
    expect(table[0]).toBe('| Month | Availability | Latency | Data integrity | Resource efficiency | Budget Consumed |');
    expect(table[2]).toBe('| Nov 2025 | 99.90% | 25.0 s | 0 | 300.0 MB | 25% (memory_per_execution) |');
    expect(table[4]).toBe('| Jan 2026 | 99.20% | 25.0 s | 0 | 300.0 MB | 160% (availability) |');
    const md = renderMarkdown(r);
    expect(md).toContain('# Monthly SLO review: Kokino headless agent execution (`kokino`)');
    expect(md).toContain('## Historical SLO Performance');
    expect(md).toContain('- shadow_correctness: not active');
    expect(md).toContain('No audit log given');
  });

  it('formats values in their unit', () => {
    expect(formatValue('ratio', 0.99512)).toBe('99.51%');
    expect(formatValue('ms', 8123.4)).toBe('8123 ms');
    expect(formatValue('USD', 0.0812)).toBe('$0.081');
    expect(formatValue('USD', '+Inf')).toBe('+Inf');
    expect(formatValue('s', null)).toBe('no data');
  });
});

describe('audit log reading', () => {
  it('summarises approvals, overrides and gate runs, and finds the last gate verdict per profile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-review-audit-'));
    try {
      const log = join(dir, 'audit.jsonl');
      const scope = { profile: 'kokino', objectives: ['availability'], selector: [] };
      await appendAudit({ log }, 'evaluation', { profile: 'kokino', at: '2026-01-10T00:00:00.000Z', verdict: 'blocked', model: 'm1', objectives: [{ name: 'availability', status: 'blocked' }], reasons: ['critical'] });
      await appendAudit({ log }, 'override', { actor: 'bob', reason: 'hotfix', ticket: 'INC-1', effectiveFrom: '2026-01-10T00:00:00.000Z', expiresAt: '2026-01-11T00:00:00.000Z', scope });
      await appendAudit({ log }, 'evaluation', { profile: 'kokino', at: '2026-01-10T01:00:00.000Z', verdict: 'pass', objectives: [{ name: 'availability', status: 'pass' }], reasons: [] });
      const s = await readAudit(log);
      expect(s.verified).toBe(true);
      expect(s.evaluations.map((e) => e.verdict)).toEqual(['blocked', 'pass']);
      expect(s.decisions).toMatchObject([{ kind: 'override', actor: 'bob', ticket: 'INC-1', profile: 'kokino', objectives: ['availability'] }]);
      const last = lastGateOf(s);
      expect(last.byProfile.get('kokino')).toMatchObject({ verdict: 'pass', at: '2026-01-10T01:00:00.000Z' });
      expect(last.objectives.get('kokino')?.get('availability')).toBe('pass');
      // A missing log is an empty, intact log.
      expect(await readAudit(join(dir, 'none.jsonl'))).toMatchObject({ verified: true, evaluations: [], decisions: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
