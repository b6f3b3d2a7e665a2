// Pieces shared by the collector benchmarks (metric path: throughput.mjs, span path: spans-throughput.mjs).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** `--name value` pairs of the command line. */
export function cliArgs(argv = process.argv) {
  const args = new Map();
  for (let i = 2; i < argv.length; i += 2) args.set(argv[i].replace(/^--/, ''), argv[i + 1]);
  return args;
}

/** Resident memory of a process in KiB (0 when it is gone). */
export function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** A loopback HTTP sink that answers 200 to everything (the generator-only baseline). Returns { url(path), close }. */
export async function startSink(contentType, body = '') {
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': contentType }).end(body));
  });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  return { url: (path) => `http://127.0.0.1:${sink.address().port}${path}`, close: () => sink.close() };
}

/**
 * `runtimes` senders, each sending one request at a time (as an SDK exporter does: a runtime never has two exports
 * in flight, so its data cannot overtake itself; a slow answer delays its next request), `requestsPerRuntime` each,
 * paced at `totalRps` requests/s together. `body(r, k)` builds request k of runtime r. Max RSS of `pid` sampled.
 */
export async function offerPaced({ url, contentType, runtimes, requestsPerRuntime, totalRps, body, pid }) {
  const perRuntimeRps = totalRps / runtimes;
  let accepted = 0;
  let refused = 0;
  let maxRss = 0;
  const t0 = performance.now();
  const sampler = pid ? setInterval(() => (maxRss = Math.max(maxRss, rssKiB(pid))), 250) : undefined;
  const runtime = async (r) => {
    for (let k = 0; k < requestsPerRuntime; k++) {
      const wait = t0 + (k * 1000) / perRuntimeRps + (r * 1000) / totalRps - performance.now();
      if (wait > 0) await sleep(wait);
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: body(r, k) });
        await res.arrayBuffer();
        if (res.ok) accepted++;
        else refused++;
      } catch {
        refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: runtimes }, (_, r) => runtime(r)));
  clearInterval(sampler);
  return { accepted, refused, seconds: (performance.now() - t0) / 1000, maxRssMiB: maxRss / 1024 };
}

/** One number from an instant PromQL query (0 when empty). */
export async function scalar(promUrl, query) {
  const res = await fetch(`${promUrl}/api/v1/query?${new URLSearchParams({ query })}`);
  const body = await res.json();
  return Number(body.data.result[0]?.value[1] ?? 0);
}

/** Polls `probe` until it equals `expected` or stops changing for 4 s (60 s at most). Returns { value, drainS }. */
export async function drained(probe, expected) {
  let value = 0;
  const start = Date.now();
  for (let stable = 0; Date.now() - start < 60_000 && stable < 40; ) {
    await sleep(100);
    const now = await probe();
    stable = now === value ? stable + 1 : 0;
    value = now;
    if (value === expected) break;
  }
  return { value, drainS: (Date.now() - start) / 1000 };
}
