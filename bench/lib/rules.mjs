// Shared by the rule benchmarks (bench/rules/run.mjs, bench/scale/run.mjs): reading rule files as written, finding
// the recorded series other rules read over a range (they need history), and measuring each rule group's evaluation
// time in a running Prometheus from /api/v1/rules.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { parseDuration } from '../../dist/src/format.js';
import { readOverRange } from '../../dist/src/generate/prometheus/rule-types.js';

/** Rule groups of a Prometheus rule file's text, as { name, intervalSeconds, rules } (interval: the file's or `globalSeconds`). */
export function ruleGroupsFromYaml(text, globalSeconds = 60) {
  const doc = parse(text);
  return (doc?.groups ?? []).map((g) => ({
    name: g.name,
    intervalSeconds: g.interval === undefined ? globalSeconds : parseDuration(String(g.interval)),
    rules: (g.rules ?? []).map((r) => ('alert' in r
      ? { alert: r.alert, expr: String(r.expr), forSeconds: r.for === undefined ? 0 : parseDuration(String(r.for)), labels: r.labels ?? {}, annotations: r.annotations ?? {} }
      : { record: r.record, expr: String(r.expr), ...(r.labels ? { labels: r.labels } : {}) })),
  }));
}

export const ruleCount = (groups) => groups.reduce((n, g) => n + g.rules.length, 0);

/** Writes groups as a rule file, every group evaluated every `intervalSeconds` (the bench's pace, not production's). */
export async function writeRuleFile(file, groups, intervalSeconds) {
  const out = groups.map((g) => ({
    name: g.name,
    interval: `${intervalSeconds}s`,
    rules: g.rules.map((r) => ('alert' in r
      ? { alert: r.alert, expr: r.expr, ...(r.forSeconds ? { for: `${r.forSeconds}s` } : {}), labels: r.labels, annotations: r.annotations }
      : { record: r.record, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}) })),
  }));
  await writeFile(file, stringify({ groups: out }, { lineWidth: 0 }), 'utf8');
}

/**
 * The recording rules whose output another rule reads over a range (`name[..]` or `name{..}[..]`): long windows
 * built on recorded series. Their history must exist for the readers to cost what they cost in steady state.
 */
export function historyCarryingGroups(groups) {
  const records = groups.flatMap((g) => g.rules.filter((r) => 'record' in r).map((r) => r.record));
  const carried = readOverRange(records, groups.flatMap((g) => g.rules.map((r) => r.expr)));
  return groups
    .map((g) => ({ ...g, rules: g.rules.filter((r) => 'record' in r && carried.has(r.record)) }))
    .filter((g) => g.rules.length > 0);
}

/**
 * The hourly roll-up shape (`sum_over_time(SRC{sel}[<1h]) * K and on() (minute() < M)`, docs/counting.md "Hourly
 * roll-up"): one sample an hour, the sum of the last hour's SRC samples × K. Returns { source, matchers, factor } or
 * undefined for any other rule. A bench that writes synthetic recorded history must write these at one sample an hour
 * (not at the group's interval), with a value derived from the source's (the rule itself only records in the first
 * minutes of an hour, so a live evaluation at another minute shows no series to copy).
 */
export function hourlyRollup(rule) {
  const m = /^sum_over_time\(([A-Za-z_:][A-Za-z0-9_:]*)\{([^}]*)\}\[59m59s\]\) \* ([0-9.]+) and on\(\) \(minute\(\) < \d+\)$/.exec(rule.expr ?? '');
  if (!m) return undefined;
  const matchers = Object.fromEntries([...m[2].matchAll(/([A-Za-z_][A-Za-z0-9_]*)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
  return { source: m[1], matchers, factor: Number(m[3]) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export { median };

/**
 * Polls /api/v1/rules until every loaded group has `evaluations` new evaluations after a discarded warm-up one
 * (the first after a reload reads cold chunks); returns Map(group name → evaluation seconds[]) and rule errors.
 */
export async function collectEvaluations(url, { evaluations, timeoutMs, pollMs = 1000, cpu }) {
  const seen = new Map(); // group → { last, times[], warm }
  const errors = new Set();
  const deadline = Date.now() + timeoutMs;
  let cpuFrom; // [cpu seconds, wall ms] once every group had its warm-up evaluation
  for (;;) {
    const body = await (await fetch(`${url}/api/v1/rules`)).json();
    const groups = body.data.groups;
    for (const g of groups) {
      const s = seen.get(g.name) ?? { last: g.lastEvaluation, times: [], warm: false, initial: g.lastEvaluation };
      if (!seen.has(g.name)) seen.set(g.name, s);
      if (g.lastEvaluation !== s.last && !g.lastEvaluation.startsWith('0001-')) {
        s.last = g.lastEvaluation;
        if (!s.warm) s.warm = true;
        else {
          s.times.push(g.evaluationTime);
          s.rules ??= g.rules.map((r) => ({ name: r.name, query: r.query, times: [] }));
          g.rules.forEach((r, i) => s.rules[i]?.times.push(r.evaluationTime));
        }
      }
      for (const r of g.rules) if (r.health === 'err' || r.lastError) errors.add(`${g.name}/${r.name}: ${r.lastError}`);
    }
    if (cpu && cpuFrom === undefined && groups.length > 0 && [...seen.values()].every((s) => s.warm)) cpuFrom = [cpu(), Date.now()];
    if (groups.length > 0 && [...seen.values()].every((s) => s.times.length >= evaluations)) {
      const cpuUsed = cpu && cpuFrom ? { seconds: cpu() - cpuFrom[0], wallSeconds: (Date.now() - cpuFrom[1]) / 1000 } : undefined;
      const rules = [...seen.values()].flatMap((v) => v.rules ?? []);
      return { times: new Map([...seen].map(([k, v]) => [k, v.times.slice(0, evaluations)])), errors: [...errors], cpu: cpuUsed, rules };
    }
    if (Date.now() > deadline) throw new Error(`rule groups did not evaluate ${evaluations} times within ${timeoutMs} ms: ${[...seen].map(([k, v]) => `${k}=${v.times.length}`).join(', ')}`);
    await sleep(pollMs);
  }
}

/**
 * Cost of one system's groups from their measured evaluation times: per evaluation round (Σ group medians) and per
 * minute at the groups' production intervals (Σ median × 60 / interval), in milliseconds.
 */
export function costFromTimes(groups, times) {
  let perRound = 0;
  let perMinute = 0;
  for (const g of groups) {
    const t = times.get(g.name);
    if (!t || t.length === 0) throw new Error(`no evaluation time for group ${g.name}`);
    const m = median(t);
    perRound += m;
    perMinute += (m * 60) / g.intervalSeconds;
  }
  return { perRoundMs: perRound * 1000, perMinuteMs: perMinute * 1000 };
}

/**
 * Waits until Prometheus has stopped compacting (blocks loaded and compactions unchanged over `quietMs`): backfilled
 * history arrives as hundreds of small blocks, and compacting them would load the machine during the measurement.
 */
export async function waitForCompaction(url, { quietMs = 20_000, timeoutMs = 600_000 } = {}) {
  const read = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const get = (name) => new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
    return `${get('prometheus_tsdb_blocks_loaded')}/${get('prometheus_tsdb_compactions_total')}/${get('prometheus_tsdb_compactions_triggered_total')}`;
  };
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  for (;;) {
    await sleep(quietMs);
    const now = await read();
    if (now === last) return now.split('/')[0];
    if (Date.now() > deadline) throw new Error(`Prometheus still compacting after ${timeoutMs} ms`);
    last = now;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}
