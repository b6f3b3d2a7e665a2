import { Command, Option } from 'commander';
import { AuditError } from '../../audit/log.js';
import { createPrometheusClient, type PrometheusClient } from '../../prometheus/client.js';
import { PrometheusClientError } from '../../prometheus/errors.js';
import { WarningSet } from '../../prometheus/warnings.js';
import type { AlertSamples } from '../../review/alerts.js';
import { type AuditSummary, readAudit } from '../../audit/summary.js';
import { type AlertFetch, collectReview } from '../../review/collect.js';
import { reviewPeriod, type PeriodKind } from '../../review/period.js';
import { buildReview, type ReviewReport } from '../../review/report.js';
import { renderJson, renderMarkdown } from '../../review/render.js';
import { renderHtml } from '../../review/render-html.js';
import { limitConcurrency } from '../../sli/observe.js';
import { ComponentShapeError, clientQueryFn } from '../../serve/server.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { addProfileOptions, loadSelectedProfiles, type ProfileSelection } from '../profile-options.js';
import { addPrometheusOptions, type PrometheusFlags, prometheusClientOptions, REVIEW_PROMETHEUS } from '../prometheus-options.js';
import { addAuditOptions, type AuditFlags, auditTrustNotes, givenAuditLocation } from '../audit-options.js';
import { parseAtOption } from '../scope-options.js';

interface ReviewCliOptions extends ProfileSelection, PrometheusFlags, AuditFlags {
  period: PeriodKind;
  at?: string;
  format: 'markdown' | 'json' | 'html';
}

/** Raw samples of a range selector (matrix answer of an instant query). */
export function alertFetch(client: PrometheusClient, warnings?: WarningSet): AlertFetch {
  return async (expr, at) => {
    const res = await client.instantQuery(expr, at);
    warnings?.add(res);
    if (res.resultType !== 'matrix') throw new CliError(`ALERTS query answered ${res.resultType}, expected a matrix: ${expr}`, EXIT.cannotEvaluate);
    return res.result.map((s): AlertSamples => ({ labels: s.labels, timestamps: s.samples.map((p) => p.timestamp) }));
  };
}

/** `agent-slo review`: weekly reliability review (document 000) / monthly SLO history (document 002). */
export function reviewCommand(io: Io): Command {
  const command = new Command('review')
    .description('weekly or monthly reliability review per objective: values per day/week, budget consumed, alerts fired, approvals/overrides, trend, needs attention (exit 0 even when SLOs are bad; 3 when the data cannot be read)')
    .addOption(new Option('--period <period>', 'week: the 7 days ending at --at; month: the calendar month before --at (to date when mid-month)').choices(['week', 'month']).default('week'))
    .option('--at <time>', 'end of the period: ISO 8601 with zone, Unix seconds, or "now" (default now)')
    .addOption(new Option('--format <format>', 'output format (html: one self-contained file, charts as inline SVG, no script)').choices(['markdown', 'json', 'html']).default('markdown'));
  addAuditOptions(command, 'read');
  addPrometheusOptions(command, REVIEW_PROMETHEUS);
  addProfileOptions(command).action(async (opts: ReviewCliOptions) => {
    const profiles = await loadSelectedProfiles(opts);
    const at = parseAtOption(opts.at);
    const clientOptions = prometheusClientOptions(opts, REVIEW_PROMETHEUS);
    const auditAt = givenAuditLocation(opts);
    let audit: AuditSummary | undefined;
    const auditNotes = auditAt === undefined ? [] : auditTrustNotes(auditAt);
    if (auditAt !== undefined) {
      for (const note of auditNotes) io.err(`note: ${note}`);
      try {
        audit = await readAudit(auditAt);
      } catch (err) {
        if (err instanceof AuditError) throw new CliError(`cannot read the audit log: ${err.message}`, EXIT.cannotEvaluate);
        throw err;
      }
    }
    const client = createPrometheusClient(clientOptions);
    const reports: ReviewReport[] = [];
    // The server's warnings qualify the numbers: listed in the report, and on stderr when the review fails.
    const warnings = new WarningSet();
    try {
      const query = limitConcurrency(clientQueryFn(client, undefined, () => warnings), 8);
      const fetchAlerts = alertFetch(client, warnings);
      const period = reviewPeriod(opts.period, at);
      for (const profile of profiles) {
        const data = await collectReview(query, fetchAlerts, profile, period);
        reports.push(buildReview(data, { generatedAt: Date.now() / 1000, prometheusUrl: client.url, warnings: warnings.list(), ...(audit === undefined ? {} : { audit, auditNotes }) }));
      }
    } catch (err) {
      for (const w of warnings.list()) io.err(`warning from Prometheus: ${w}`);
      if (err instanceof PrometheusClientError) throw new CliError(`cannot read the data from Prometheus: ${err.reason}`, EXIT.cannotEvaluate);
      if (err instanceof ComponentShapeError) throw new CliError(`cannot read the data: ${err.message}`, EXIT.cannotEvaluate);
      throw err;
    } finally {
      await client.close();
    }
    if (opts.format === 'json') io.out(renderJson(reports).trimEnd());
    else if (opts.format === 'html') io.out(renderHtml(reports).trimEnd());
    else io.out(reports.map(renderMarkdown).join('\n---\n\n').trimEnd());
  });
  return command;
}
