import { Command, InvalidArgumentError, Option } from 'commander';
import { startServe } from '../../serve/server.js';
import { readLastGate } from '../../audit/summary.js';
import { StatusMetricUnitError } from '../../serve/units.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { printableUrl } from '../../prometheus/connection.js';
import { addPrometheusOptions, type PrometheusFlags, prometheusClientOptions, SERVE_PROMETHEUS } from '../prometheus-options.js';
import { packageVersion } from '../../package.js';
import { addProfileOptions, loadSelectedProfiles, type ProfileSelection } from '../profile-options.js';
import { addAuditOptions, type AuditFlags, auditTrustNotes, givenAuditLocation } from '../audit-options.js';

export function parseNonNegative(what: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${what} must be a number >= 0, got "${v}"`);
    return n;
  };
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`port must be an integer 0..65535, got "${v}"`);
  return n;
}

interface ServeCliOptions extends ProfileSelection, PrometheusFlags, AuditFlags {
  port: number;
  host: string;
  cacheSeconds: number;
}

/** Resolves once SIGINT or SIGTERM arrives. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `agent-slo serve`: SLO status JSON, Prometheus metrics, health and readiness over HTTP. */
export function serveCommand(io: Io): Command {
  const command = new Command('serve')
    .description('serve the SLO status page (/), /api/slo/status (JSON, objectives as top-level keys), /metrics, /healthz and /readyz from Prometheus data (read-only; loopback by default)')
    .addOption(new Option('--port <port>', 'port to listen on (document 002 uses 5050)').argParser(parsePort).default(5050))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('--cache-seconds <n>', 'reuse a computed status for this long (0: every request queries)').argParser(parseNonNegative('--cache-seconds')).default(30));
  // The audit log gives the last gate verdict, and the page's decision history and dry run.
  addAuditOptions(command, 'read');
  addPrometheusOptions(command, SERVE_PROMETHEUS);
  addProfileOptions(command).action(async (opts: ServeCliOptions) => {
    const profiles = await loadSelectedProfiles(opts);
    const prometheus = prometheusClientOptions(opts, SERVE_PROMETHEUS);
    const where = givenAuditLocation(opts);
    let running;
    try {
      running = await startServe({
        profiles,
        prometheus,
        port: opts.port,
        host: opts.host,
        cacheSeconds: opts.cacheSeconds,
        ...(where === undefined
          ? {}
          : { lastGate: () => readLastGate(where), auditLog: where.log, ...(where.anchor === undefined ? {} : { auditAnchor: where.anchor }), ...(where.key === undefined ? {} : { auditKey: where.key }) }),
        toolVersion: packageVersion(),
        log: (line) => io.err(`agent-slo serve: ${line}`),
      });
    } catch (err) {
      if (err instanceof StatusMetricUnitError) throw new CliError(`invalid spec: ${err.message}`, EXIT.invalidSpec);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UsageError(`port ${opts.port} is already in use on ${opts.host}; choose another with --port`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${opts.host} (${code}); check --host`);
      throw err;
    }
    io.out(`agent-slo serve: profiles ${profiles.map((p) => p.name).join(', ')} from ${printableUrl(prometheus.url)}`);
    io.out(`  ${running.url}/  (SLO status page)`);
    for (const path of ['/api/slo/status', '/metrics', '/healthz', '/readyz']) io.out(`  ${running.url}${path}`);
    if (where !== undefined) for (const note of auditTrustNotes(where)) io.err(`agent-slo serve: note: audit log ${where.log}: ${note}`);
    const signal = await untilSignal();
    io.out(`agent-slo serve: ${signal}, stopping`);
    await running.close();
  });
  return command;
}
