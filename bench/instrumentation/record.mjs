// Benchmark (not a test): cost of recording one tool call + one task through @agent-slo/instrumentation vs the
// same raw @opentelemetry/sdk-metrics calls, in the same run; heap per call; heap growth under 1M distinct names.
// Run: npx tsc -b && node --expose-gc bench/instrumentation/record.mjs
import { readFileSync } from 'node:fs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { createAgentSloRecorder, TOKEN_USAGE_BUCKETS } from '../../instrumentation/dist/index.js';

// The boundaries a deployment passes in (agent-slo generate's buckets.json for the shipped profiles), for both sides.
const buckets = JSON.parse(readFileSync(new URL('../../buckets.json', import.meta.url), 'utf8'));

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(64);
}
void TOKEN_USAGE_BUCKETS;

class IdleReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

function provider() {
  return new MeterProvider({ readers: [new IdleReader()] });
}

const TOOLS = ['search', 'fetch', 'browse', 'calc', 'sql', 'shell', 'read', 'write'];

function rawSetup() {
  const meter = provider().getMeter('raw');
  const sec = (n) => ({ unit: 's', advice: { explicitBucketBoundaries: [...buckets[n]] } });
  const tool = meter.createHistogram('gen_ai.execute_tool.duration', sec('gen_ai.execute_tool.duration'));
  const invoke = meter.createHistogram('gen_ai.invoke_agent.duration', sec('gen_ai.invoke_agent.duration'));
  const tasks = meter.createCounter('agent.tasks', { unit: '{task}' });
  const cost = meter.createCounter('agent.task.cost', { unit: 'USD' });
  return (i) => {
    tool.record((i % 1000) / 100, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': TOOLS[i & 7] });
    tasks.add(1, { 'agent.task.outcome': 'success' });
    invoke.record((i % 2000) / 100, { 'gen_ai.operation.name': 'invoke_agent' });
    cost.add(0.01, {});
  };
}

function pkgSetup(global) {
  const mp = provider();
  const r = global ? createAgentSloRecorder({ buckets }) : createAgentSloRecorder({ meterProvider: mp, buckets });
  return (i) => {
    r.recordToolCall({ toolName: TOOLS[i & 7], durationSeconds: (i % 1000) / 100 });
    r.recordTask({ outcome: 'success', durationSeconds: (i % 2000) / 100, costUsd: 0.01 });
  };
}

function time(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const N = 200_000;
const ROUNDS = 15;
const raw = rawSetup();
const pkg = pkgSetup(false);
// Warm-up (JIT, series creation).
time(raw, N);
time(pkg, N);
const rawNs = [];
const pkgNs = [];
for (let r = 0; r < ROUNDS; r++) {
  rawNs.push(time(raw, N));
  pkgNs.push(time(pkg, N));
}
const rawMed = median(rawNs);
const pkgMed = median(pkgNs);
const ratios = rawNs.map((x, i) => pkgNs[i] / x);

// Heap per call on a steady state (same label values): growth after gc over 1M calls.
function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}
const h0 = heapAfterGc();
time(pkg, 1_000_000);
const h1 = heapAfterGc();

// Cardinality attack: 1M distinct tool names through the package.
const attacker = createAgentSloRecorder({ meterProvider: provider(), buckets });
const a0 = heapAfterGc();
for (let i = 0; i < 1_000_000; i++) attacker.recordToolCall({ toolName: `tool-${i}-${'x'.repeat(i % 40)}`, durationSeconds: 0.5 });
const a1 = heapAfterGc();

const result = {
  node: process.version,
  callsPerRound: N,
  rounds: ROUNDS,
  rawNsPerIteration: +rawMed.toFixed(1),
  packageNsPerIteration: +pkgMed.toFixed(1),
  ratioOfMedians: +(pkgMed / rawMed).toFixed(3),
  medianPairedRatio: +median(ratios).toFixed(3),
  heapBytesPerCallSteadyState: +((h1 - h0) / 1_000_000).toFixed(4),
  heapGrowthMB1MDistinctNames: +((a1 - a0) / 1e6).toFixed(2),
};
console.log(JSON.stringify(result, null, 2));
