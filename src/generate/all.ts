/** Every file `agent-slo generate` produces for a set of profiles (pure). */
import type { Profile } from '../profile/model.js';
import { generateAlertmanager } from './alertmanager/config.js';
import { bucketBoundaries, generateBucketsFile } from './buckets.js';
import { generateSpanSettingsFile, type SpanSettings } from './collector/settings.js';
import { generateCollectorSpansFile } from './collector/spans.js';
import { generateDashboards } from './grafana/dashboards.js';
import { generatePrometheusRule } from './prometheus/operator.js';
import { generatePipelineRuleFile, generatePipelineTests } from './prometheus/pipeline.js';
import { generatePromtoolTests } from './prometheus/promtool-tests.js';
import { generateRuleFile } from './prometheus/rules.js';
import type { GeneratedFile } from './types.js';

export interface ProfileSource {
  readonly profile: Profile;
  /** The spec file as shown in headers (relative to the output root). */
  readonly specPath: string;
}

export interface GenerateOptions {
  /** Also generate the repository's collector span pipeline from these profiles' buckets (the shipped set). */
  readonly collectorSpans: boolean;
  /** Also write each profile's rules as a prometheus-operator PrometheusRule resource. */
  readonly prometheusOperator?: boolean;
  /** Also write the collector span path's prices and label bounds (collector-config/otelcol-span-settings.yaml). */
  readonly spanSettings?: { readonly settings: SpanSettings; readonly source: string };
}

export function generateProfileFiles(source: ProfileSource): GeneratedFile[] {
  return [
    generateRuleFile(source.profile, source.specPath),
    generatePipelineRuleFile(source.profile),
    ...generatePromtoolTests(source.profile),
    generatePipelineTests(source.profile),
    ...generateAlertmanager(source.profile),
    ...generateDashboards(source.profile),
  ];
}

export function generateAll(sources: readonly ProfileSource[], opts: GenerateOptions): GeneratedFile[] {
  const files = sources.flatMap(generateProfileFiles);
  if (opts.prometheusOperator === true) files.push(...sources.map((s) => generatePrometheusRule(s.profile, s.specPath)));
  const profiles = sources.map((s) => s.profile);
  files.push(generateBucketsFile(profiles));
  if (opts.collectorSpans) files.push(generateCollectorSpansFile(bucketBoundaries(profiles)));
  if (opts.spanSettings !== undefined) files.push(generateSpanSettingsFile(opts.spanSettings.settings, opts.spanSettings.source));
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`two generated files share the path ${f.path} (two profiles with the same name?)`);
    seen.add(f.path);
  }
  return files;
}
