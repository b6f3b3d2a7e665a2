import { describe, expect, it } from 'vitest';
import { counterIncrease } from '../../src/promql/counter-increase.js';
import { budgetConsumed, computeSli } from '../../src/sli/compute.js';
import { budgetQueries, scopeFor, sliQueries } from '../../src/sli/queries.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Objective, Profile } from '../../src/profile/model.js';

const runtime = await loadProfile('profiles/runtime-v1.yaml');
const kokino = await loadProfile('profiles/kokino.yaml');
const get = (p: Profile, n: string): Objective => p.objectives.find((o) => o.name === n)!;

describe('computeSli (DESIGN.md rulings)', () => {
  const tool = get(runtime, 'tool_success_rate');

  it('ratio: value and levels', () => {
    expect(computeSli(tool, { good: 960, total: 1000 })).toEqual({ status: 'ok', value: 0.96, events: 1000, breached: { target: true, warning: true, critical: false } });
    expect(computeSli(tool, { good: 980, total: 1000 })).toMatchObject({ breached: { target: false, warning: false, critical: false } });
  });

  it('a missing good/bad series counts as 0 while total exists; zero or missing total is no data', () => {
    expect(computeSli(tool, { total: 10 })).toMatchObject({ status: 'ok', value: 0 });
    expect(computeSli(get(runtime, 'escalation_rate'), { total: 10 })).toMatchObject({ status: 'ok', value: 0, breached: { critical: false } });
    expect(computeSli(tool, { good: 5 })).toMatchObject({ status: 'no_data' });
    expect(computeSli(tool, { good: 0, total: 0 })).toMatchObject({ status: 'no_data' });
  });

  it('NaN or infinite components are no data, never a pass', () => {
    expect(computeSli(tool, { good: Number.NaN, total: 10 })).toMatchObject({ status: 'no_data' });
    expect(computeSli(tool, { good: 1, total: Number.POSITIVE_INFINITY })).toMatchObject({ status: 'no_data' });
  });

  it('cost > 0 with zero successful tasks is +Inf, a critical breach; zero cost and zero tasks is no data', () => {
    const cost = get(runtime, 'cost_per_successful_task');
    expect(computeSli(cost, { value: 1.5, events: 0 })).toMatchObject({ status: 'ok', value: Number.POSITIVE_INFINITY, breached: { critical: true } });
    expect(computeSli(cost, { value: 1.5 })).toMatchObject({ status: 'ok', value: Number.POSITIVE_INFINITY });
    expect(computeSli(cost, { value: 0, events: 0 })).toMatchObject({ status: 'no_data' });
    expect(computeSli(cost, { value: 8, events: 100 })).toMatchObject({ status: 'ok', value: 0.08, breached: { target: false, warning: false } });
    expect(computeSli(cost, { events: 100 })).toMatchObject({ status: 'no_data' });
  });

  it('quantile: p95 > T exactly when bucket{le=T}/count < 0.95', () => {
    const lat = get(runtime, 'response_latency_p95');
    // 1000 responses: 950 within 8 s → p95 ≤ 8 s meets target; 949 → breaches target.
    expect(computeSli(lat, { 'le:8000': 950, 'le:10000': 990, 'le:15000': 1000, count: 1000 })).toMatchObject({ breached: { target: false, warning: false, critical: false } });
    expect(computeSli(lat, { 'le:8000': 949, 'le:10000': 950, 'le:15000': 1000, count: 1000 })).toMatchObject({ breached: { target: true, warning: false, critical: false } });
    expect(computeSli(lat, { 'le:8000': 100, 'le:10000': 200, 'le:15000': 949, count: 1000 })).toMatchObject({ breached: { target: true, warning: true, critical: true } });
    // No bucket at a threshold: a named error with the boundary in the histogram's unit (10000 ms → le="10" s).
    const missing = computeSli(lat, { 'le:8000': 950, 'le:15000': 1000, count: 1000 });
    expect(missing).toMatchObject({ status: 'no_data', reason: expect.stringMatching(/^missing histogram bucket: \S+_bucket has no bucket at the threshold 10000 ms \(le="10"\)/) });
  });

  it('average: memory in MB from bytes', () => {
    const mem = get(kokino, 'memory_per_execution');
    expect(computeSli(mem, { sum: 600e6 * 10, count: 10 })).toMatchObject({ status: 'ok', value: 600, breached: { target: true, critical: false } });
    expect(computeSli(mem, { sum: 1001e6 * 10, count: 10 })).toMatchObject({ breached: { critical: true } });
  });

  it('zero tolerance: any failure breaches; no conversations is no data', () => {
    const integrity = get(kokino, 'data_integrity');
    expect(computeSli(integrity, { population: 100 })).toMatchObject({ status: 'ok', value: 0, breached: { critical: false } });
    expect(computeSli(integrity, { bad: 1, population: 100 })).toMatchObject({ status: 'ok', value: 1, breached: { critical: true } });
    expect(computeSli(integrity, { bad: 0 })).toMatchObject({ status: 'no_data' });
  });

  it('budget consumed', () => {
    expect(budgetConsumed(0.005, 5, 1000)).toEqual({ status: 'ok', consumed: 1, badRatio: 0.005 });
    expect(budgetConsumed(0.005, undefined, 1000)).toMatchObject({ consumed: 0 });
    expect(budgetConsumed(0, 1, 1000)).toMatchObject({ consumed: Number.POSITIVE_INFINITY });
    expect(budgetConsumed(0.1, 0, 0)).toMatchObject({ status: 'no_data' });
  });
});

/**
 * The count of a counter selection, spelled out (not built with src/promql/counter-increase.ts): increase() for
 * series present at the window start (a sample within the hour before it: 5% of 1d or 7d, capped at 1h), the last
 * value for series born in the window.
 */
/** The project's count of `sel` over `w` with the 1h presence lookback of a 1d window (its cases: test/promql). */
function count(sel: string, w: string): string {
  return counterIncrease(sel, w, '1h');
}

describe('sliQueries', () => {
  it('ratio components with profile selector, extra matchers and the model label only where scoped', () => {
    const fallback = get(runtime, 'model_fallback_rate');
    const q = sliQueries(fallback, 86_400, scopeFor(runtime, fallback, [{ label: 'env', op: '=', value: 'prod' }], 'gpt-5'));
    expect(q.components).toEqual([
      { name: 'bad', expr: count('agent_model_fallbacks_total{env="prod",gen_ai_request_model="gpt-5"}', '1d'), isTotal: false },
      { name: 'total', expr: count('gen_ai_client_operation_duration_count{env="prod",gen_ai_request_model="gpt-5"}', '1d'), isTotal: true },
    ]);
    const tool = get(runtime, 'tool_success_rate');
    expect(sliQueries(tool, 604_800, scopeFor(runtime, tool, [], 'gpt-5')).components[0]?.expr).toBe(count('gen_ai_execute_tool_duration_count{error_type=""}', '7d'));
  });

  it('quantile components read buckets at each threshold with every le spelling, in the recorded unit', () => {
    const lat = get(runtime, 'response_latency_p95');
    const q = sliQueries(lat, 86_400, scopeFor(runtime, lat));
    expect(q.components.map((c) => c.name)).toEqual(['le:8000', 'le:10000', 'le:15000', 'count']);
    expect(q.components[0]?.expr).toBe(count('gen_ai_invoke_agent_duration_bucket{le=~"8|8\\\\.0"}', '1d'));
    expect(q.display).toContain('histogram_quantile(0.95');
    expect(q.display).toMatch(/\/ 0\.001$/);
  });

  it('histogram budgets count events above the target bound', () => {
    const mem = get(kokino, 'memory_per_execution');
    const b = budgetQueries(mem, 2_592_000, scopeFor(kokino, mem));
    expect(b?.good).toContain('agent_execution_memory_bucket{le=~"500000000|5e\\\\+08|500000000\\\\.0"}[30d]');
    expect(b?.bad).toContain(' - (');
  });

  it('user PromQL gets the window filled in', () => {
    const o: Objective = {
      ...get(runtime, 'tool_success_rate'),
      sli: { kind: 'ratio', numerator: 'bad', events: { kind: 'promql', expr: 'sum(increase(e_total[{{window}}]))' }, total: { kind: 'promql', expr: 'sum(increase(t_total[{{window}}]))' } },
    };
    expect(sliQueries(o, 3600, { matchers: [] }).components.map((c) => c.expr)).toEqual(['(sum(increase(e_total[1h])))', '(sum(increase(t_total[1h])))']);
  });
});
