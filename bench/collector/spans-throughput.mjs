// Benchmark: sustained GenAI spans/second through the agent-slo collector's span path (otelcol.yaml +
// otelcol-spans.yaml: filter → transform → batch → signal_to_metrics → deltatocumulative → remote write) with zero loss.
//
//   npx tsc -b tsconfig.harness.json && node bench/collector/spans-throughput.mjs [--rates 2000,5000,10000,20000] [--runtimes 4] [--batch 512] [--stage-seconds 10]
//
// Each stage offers `rate` spans/s for stage-seconds: `runtimes` senders (own resource; service.instance.id names the
// stage) each send one OTLP/HTTP JSON request of `batch` spans at a time, as a BatchSpanProcessor does. The mix per
// batch: 60 % execute_tool (20 tool names, 10 % failed), 30 % chat (3 models, token usage), 10 % root invoke_agent.
// Loss = spans accepted with 2xx − spans counted by the derived histograms in Prometheus (sum of the three _count
// series of the stage) after the pipeline drained. Baseline (same run): the same requests to a Node sink that only
// answers 200. Collector memory: max VmRSS of the collector process during the stage (from /proc).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliArgs, drained, offerPaced, rssKiB, scalar, startSink } from './common.mjs';
import { startCollector } from '../../dist/test/harness/collector.js';
import { startPrometheus } from '../../dist/src/stack/prometheus.js';
import { collectorBinary, repoRoot, shippedCollectorConfig } from '../../dist/test/harness/binaries.js';

const args = cliArgs();
const RATES = (args.get('rates') ?? '2000,5000,10000,20000').split(',').map(Number);
const RUNTIMES = Number(args.get('runtimes') ?? 4);
const BATCH = Number(args.get('batch') ?? 512);
const STAGE_S = Number(args.get('stage-seconds') ?? 10);

const str = (key, v) => ({ key, value: { stringValue: v } });
const int = (key, v) => ({ key, value: { intValue: String(v) } });
const hex = (n, len) => n.toString(16).padStart(len, '0').slice(-len);
let idSeq = 1;

/** One OTLP/JSON traces request of BATCH spans for runtime `r` of stage `stage`. */
function request(stage, r) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let i = 0; i < BATCH; i++) {
    const id = idSeq++;
    const kind = i % 10;
    const durNs = BigInt(30_000_000 + (i % 17) * 11_000_000);
    let attributes;
    let status = { code: 0 };
    if (kind < 6) {
      attributes = [str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', `tool-${i % 20}`)];
      if (i % 10 === 3) status = { code: 2 };
    } else if (kind < 9) {
      attributes = [str('gen_ai.operation.name', 'chat'), str('gen_ai.request.model', `model-${i % 3}`), str('gen_ai.provider.name', 'bench'), int('gen_ai.usage.input_tokens', 100 + (i % 50)), int('gen_ai.usage.output_tokens', 20 + (i % 9))];
    } else {
      attributes = [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', `agent-${i % 4}`)];
    }
    spans.push({
      traceId: hex(id, 32),
      spanId: hex(id, 16),
      name: 'bench',
      kind: 1,
      startTimeUnixNano: String(now - durNs),
      endTimeUnixNano: String(now),
      attributes,
      status,
    });
  }
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'bench-spans'), str('service.instance.id', `stage${stage}-r${r}`)] },
        scopeSpans: [{ scope: { name: 'bench' }, spans }],
      },
    ],
  });
}

async function offer(url, stage, rate, pid) {
  const requestsPerRuntime = Math.max(1, Math.round((rate * STAGE_S) / BATCH / RUNTIMES));
  const r = await offerPaced({ url, contentType: 'application/json', runtimes: RUNTIMES, requestsPerRuntime, totalRps: rate / BATCH, body: (rt) => request(stage, rt), pid });
  return { ...r, accepted: r.accepted * BATCH, refused: r.refused * BATCH, offered: (requestsPerRuntime * RUNTIMES * BATCH) / r.seconds };
}

const counted = (promUrl, stage) =>
  scalar(promUrl, `sum({__name__=~"gen_ai_(execute_tool|client_operation|invoke_agent)_duration_count",instance=~"stage${stage}-.*"})`);

async function main() {
  const otelcol = collectorBinary();
  if (!otelcol.path) throw new Error(otelcol.missingReason);
  const sink = await startSink('application/json', '{}');
  const sinkUrl = sink.url('/v1/traces');
  const prom = await startPrometheus({});
  const collector = await startCollector({
    binary: otelcol.path,
    configFile: [shippedCollectorConfig(), join(repoRoot(), 'collector-config', 'otelcol-spans.yaml')],
    remoteWriteUrl: `${prom.url}/api/v1/write`,
  });
  await sleep(1000);
  const idleRss = rssKiB(collector.pid) / 1024;
  const rows = [];
  try {
    for (const [stage, rate] of RATES.entries()) {
      const base = await offer(sinkUrl, 1000 + stage, rate, 0);
      const run = await offer(`${collector.otlpHttpUrl}/v1/traces`, stage, rate, collector.pid);
      const { value: stored, drainS } = await drained(() => counted(prom.url, stage), run.accepted);
      const row = {
        targetSps: rate,
        baselineSps: Math.round(base.offered),
        sentSps: Math.round(run.offered),
        ratio: (run.offered / base.offered).toFixed(2),
        refused: run.refused,
        accepted: run.accepted,
        counted: stored,
        lost: run.accepted - stored,
        drainS: drainS.toFixed(1),
        landedSps: Math.round(stored / (run.seconds + drainS)),
        maxRssMiB: run.maxRssMiB.toFixed(0),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await collector.stop();
    await prom.stop();
    sink.close();
  }
  const clean = rows.filter((r) => r.lost === 0 && r.refused === 0 && Number(r.drainS) <= 2);
  const best = clean.reduce((a, r) => (r.landedSps > (a?.landedSps ?? 0) ? r : a), undefined);
  console.log(`\nruntimes: ${RUNTIMES}, spans per request: ${BATCH}, stage: ${STAGE_S} s, collector idle RSS: ${idleRss.toFixed(0)} MiB`);
  console.log('| target spans/s | baseline (sink) spans/s | sent to collector spans/s | ratio | refused | accepted spans | counted spans | lost | drain s | landed spans/s | collector max RSS MiB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.targetSps} | ${r.baselineSps} | ${r.sentSps} | ${r.ratio} | ${r.refused} | ${r.accepted} | ${r.counted} | ${r.lost} | ${r.drainS} | ${r.landedSps} | ${r.maxRssMiB} |`);
  console.log(best ? `\nhighest sustained zero-loss rate: ${best.landedSps} spans/s (${best.sentSps} sent), collector max RSS ${best.maxRssMiB} MiB` : '\nno stage without loss');
}

await main();
