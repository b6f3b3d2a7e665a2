// Benchmark: sustained OTLP datapoints/second through the agent-slo collector into Prometheus with zero loss.
//
//   npx tsc -b tsconfig.harness.json && node bench/collector/throughput.mjs [--series 1000] [--runtimes 4] [--stage-seconds 10] [--rates 5,10,20,40,80]
//
// Each stage offers `series × rate` datapoints/s (cumulative monotonic sums; `runtimes` senders with their own
// resource and series, each sending one OTLP/HTTP protobuf request at a time carrying a new point for each of its series) to the collector, which remote-writes into Debian's Prometheus
// 2.42. After the stage, the bench waits for the pipeline to drain and counts the samples Prometheus stored
// (`count_over_time`) against the datapoints the collector accepted with 2xx: loss = accepted − stored.
// Baseline (same run, same generator): the same requests to a Node sink that only answers 200, i.e. what the
// generator itself can push on this machine; the ratio says whether the collector path or the generator limits.
// Collector memory: max VmRSS of the collector process during the stage (from /proc).
import { cliArgs, drained, offerPaced, rssKiB, scalar, startSink } from './common.mjs';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { startCollector } from '../../dist/test/harness/collector.js';
import { startPrometheus } from '../../dist/src/stack/prometheus.js';
import { collectorBinary } from '../../dist/test/harness/binaries.js';

const args = cliArgs();
const SERIES = Number(args.get('series') ?? 1000);
const STAGE_S = Number(args.get('stage-seconds') ?? 10);
const RATES = (args.get('rates') ?? '5,10,20,40,80').split(',').map(Number);

const RUNTIMES = Number(args.get('runtimes') ?? 4);
const resources = Array.from({ length: RUNTIMES }, (_, r) =>
  resourceFromAttributes({ 'service.name': 'bench-runtime', 'service.instance.id': `bench-${r}` }),
);
const hr = (ms) => [Math.floor(ms / 1000), (ms % 1000) * 1e6];
const attrs = Array.from({ length: SERIES }, (_, i) => ({ 'gen_ai.tool.name': `tool-${i % 50}`, 'bench.series': String(i) }));

/** One request of runtime `r`: every one of its series gets point number `tick` (value = tick) at time `ts`. */
function request(r, metricName, tick, startMs, ts) {
  const dataPoints = attrs.map((attributes) => ({ attributes, startTime: hr(startMs), endTime: hr(ts), value: tick }));
  return ProtobufMetricsSerializer.serializeRequest({
    resource: resources[r],
    scopeMetrics: [
      {
        scope: { name: 'bench' },
        metrics: [
          {
            descriptor: { name: metricName, description: '', unit: '{call}', valueType: 1, type: 'COUNTER' },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints,
          },
        ],
      },
    ],
  });
}

/**
 * Offers `rate` requests/s in total for STAGE_S seconds, spread over RUNTIMES runtimes that each send one request
 * at a time, as an SDK's periodic exporter does (a runtime never has two exports of the same series in flight, so
 * its points cannot overtake each other; a slow answer delays that runtime's next request).
 */
async function offer(url, metricName, rate, pid) {
  const startMs = Date.now();
  const ticksPerRuntime = Math.max(1, Math.round((rate * STAGE_S) / RUNTIMES));
  const lastTs = new Array(RUNTIMES).fill(0);
  const body = (r, k) => {
    const ts = Math.max(Date.now(), lastTs[r] + 1);
    lastTs[r] = ts;
    return request(r, metricName, k + 1, startMs, ts);
  };
  const run = await offerPaced({ url, contentType: 'application/x-protobuf', runtimes: RUNTIMES, requestsPerRuntime: ticksPerRuntime, totalRps: rate, body, pid });
  const ticks = ticksPerRuntime * RUNTIMES;
  return { ticks, ...run, offeredDps: (ticks * SERIES) / run.seconds };
}

const storedSamples = (promUrl, metric) => scalar(promUrl, `sum(count_over_time(${metric}[1h]))`);

async function main() {
  const otelcol = collectorBinary();
  if (!otelcol.path) throw new Error(otelcol.missingReason);

  // Baseline: the generator against a sink that accepts everything.
  const sink = await startSink('application/x-protobuf');
  const sinkUrl = sink.url('/v1/metrics');

  const prom = await startPrometheus({});
  const collector = await startCollector({ binary: otelcol.path, remoteWriteUrl: `${prom.url}/api/v1/write` });
  const idleRss = rssKiB(collector.pid) / 1024;
  const rows = [];
  try {
    for (const [i, rate] of RATES.entries()) {
      const base = await offer(sinkUrl, `bench_base_${i}`, rate, 0);
      const metric = `bench.stage${i}`;
      const run = await offer(`${collector.otlpHttpUrl}/v1/metrics`, metric, rate, collector.pid);
      const expected = run.accepted * SERIES;
      // Drain: wait until the stored count stops growing (or equals the accepted count).
      const { value: stored, drainS } = await drained(() => storedSamples(prom.url, `bench_stage${i}_total`), expected);
      const row = {
        stage: i,
        targetDps: rate * SERIES,
        baselineDps: Math.round(base.offeredDps),
        collectorDps: Math.round(run.offeredDps),
        ratio: (run.offeredDps / base.offeredDps).toFixed(2),
        refused: run.refused,
        acceptedPoints: expected,
        storedPoints: stored,
        lost: expected - stored,
        drainS: drainS.toFixed(1),
        landedDps: Math.round(stored / (run.seconds + drainS)),
        maxRssMiB: run.maxRssMiB.toFixed(0),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
      if (row.lost !== 0 || row.refused !== 0) {
        const why = collector.logs().split('\n').filter((l) => /error|drop|refus|full|fail/i.test(l)).slice(-5);
        console.log(`  collector log lines about the loss:\n  ${why.join('\n  ')}`);
      }
    }
  } finally {
    await collector.stop();
    await prom.stop();
    sink.close();
  }
  // Sustained = nothing refused, nothing lost, and the pipeline drained within 2 s of the last request.
  const clean = rows.filter((r) => r.lost === 0 && r.refused === 0 && Number(r.drainS) <= 2);
  const best = clean.reduce((a, r) => (r.landedDps > (a?.landedDps ?? 0) ? r : a), undefined);
  console.log(`\nruntimes: ${RUNTIMES}, series per request: ${SERIES}, stage: ${STAGE_S} s, collector idle RSS: ${idleRss.toFixed(0)} MiB`);
  console.log('| target dp/s | baseline (sink) dp/s | sent to collector dp/s | ratio | refused | accepted points | stored points | lost | drain s | landed in Prometheus dp/s | collector max RSS MiB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.targetDps} | ${r.baselineDps} | ${r.collectorDps} | ${r.ratio} | ${r.refused} | ${r.acceptedPoints} | ${r.storedPoints} | ${r.lost} | ${r.drainS} | ${r.landedDps} | ${r.maxRssMiB} |`);
  }
  console.log(
    best
      ? `\nhighest sustained zero-loss rate: ${best.landedDps} datapoints/s landed (${best.collectorDps} sent, ${best.ratio}× the generator-only baseline), collector max RSS ${best.maxRssMiB} MiB`
      : '\nno stage without loss',
  );
}

await main();
