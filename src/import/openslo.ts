/**
 * OpenSLO v1 → an agent-slo spec (pure). Reads SLO, SLI, AlertPolicy, AlertCondition (and skips Service,
 * DataSource, AlertNotificationTarget) documents; each SLO objective becomes one agent-slo objective:
 * - ratioMetric good/total or bad/total over Prometheus counters → a ratio SLI (queries with `{{.window}}` keep it as
 *   `{{window}}`; a bare counter selector is wrapped in `sum(increase(…[{{window}}]))`);
 * - thresholdMetric `histogram_quantile(q, …x_bucket…)` with op lt/lte → a quantile SLI on histogram x;
 * - rolling timeWindow → windows.target and the error budget window; AlertPolicy burnrate conditions → burn-rate
 *   alerts (burn rate × lookback ÷ budget window = budget consumed).
 * What has no agent-slo equivalent is either approximated with a note (Timeslices/RatioTimeslices budgeting,
 * calendar windows, alertAfter, no-data alerting) or refused with a problem naming the document and field.
 */
import { z } from 'zod';
import { promDuration } from '../format.js';
import { API_VERSION_V1, KIND_PROFILE } from '../profile/schema.js';

/** One problem (the SLO cannot be imported) or note (imported with an approximation), naming document and field. */
export interface ImportMessage {
  readonly where: string;
  readonly message: string;
}

export interface OpenSloImport {
  /** The agent-slo spec as plain data (undefined when nothing could be imported). */
  readonly spec?: Record<string, unknown>;
  readonly problems: readonly ImportMessage[];
  readonly notes: readonly ImportMessage[];
}

export interface OpenSloImportOptions {
  /** Profile name (default: from the first SLO's service). */
  readonly name?: string;
  readonly owner?: string;
  readonly channel?: string;
  readonly runbookBaseUrl?: string;
}

const metadataSchema = z.looseObject({ name: z.string().min(1), displayName: z.string().optional() });
const metricSourceSchema = z.looseObject({ metricSourceRef: z.string().optional(), type: z.string().optional(), spec: z.record(z.string(), z.unknown()).optional() });
const metricSchema = z.looseObject({ metricSource: metricSourceSchema });
const sliSpecSchema = z.looseObject({
  thresholdMetric: metricSchema.optional(),
  ratioMetric: z
    .looseObject({ counter: z.boolean().optional(), good: metricSchema.optional(), bad: metricSchema.optional(), total: metricSchema.optional(), raw: metricSchema.optional(), rawType: z.string().optional() })
    .optional(),
});
const sliSchema = z.looseObject({ metadata: metadataSchema.optional(), spec: sliSpecSchema });
const conditionSpecSchema = z.looseObject({
  severity: z.string().min(1).optional(),
  condition: z.looseObject({ kind: z.string(), op: z.string().optional(), threshold: z.number().optional(), lookbackWindow: z.string().optional(), alertAfter: z.string().optional() }),
});
const conditionSchema = z.looseObject({ kind: z.string().optional(), metadata: metadataSchema.optional(), spec: conditionSpecSchema.optional(), conditionRef: z.string().optional() });
const alertPolicySpecSchema = z.looseObject({
  alertWhenNoData: z.boolean().optional(),
  conditions: z.array(conditionSchema).min(1),
  notificationTargets: z.array(z.unknown()).optional(),
});
const alertPolicySchema = z.looseObject({ kind: z.string().optional(), metadata: metadataSchema.optional(), spec: alertPolicySpecSchema.optional(), alertPolicyRef: z.string().optional() });
const objectiveSchema = z.looseObject({
  displayName: z.string().optional(),
  op: z.enum(['lt', 'lte', 'gt', 'gte']).optional(),
  value: z.number().optional(),
  target: z.number().gt(0).lt(1).optional(),
  targetPercent: z.number().gt(0).lt(100).optional(),
  timeSliceTarget: z.number().optional(),
  timeSliceWindow: z.union([z.string(), z.number()]).optional(),
  indicator: sliSchema.optional(),
  indicatorRef: z.string().optional(),
});
const sloSpecSchema = z.looseObject({
  description: z.string().optional(),
  service: z.string().min(1),
  indicator: sliSchema.optional(),
  indicatorRef: z.string().optional(),
  timeWindow: z.array(z.looseObject({ duration: z.string(), isRolling: z.boolean().optional(), calendar: z.looseObject({ startTime: z.string().optional(), timeZone: z.string().optional() }).optional() })).min(1).max(1),
  budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
  objectives: z.array(objectiveSchema).min(1),
  alertPolicies: z.array(alertPolicySchema).optional(),
});

type Sli = z.infer<typeof sliSchema>;
type Condition = z.infer<typeof conditionSchema>;
type AlertPolicy = z.infer<typeof alertPolicySchema>;

interface Document {
  readonly index: number;
  readonly kind: string;
  readonly name: string;
  readonly value: Record<string, unknown>;
}

/** OpenSLO duration shorthand (m, h, d, w, M, Q, Y) in seconds; months 30d, quarters 90d, years 365d. */
export function openSloDuration(text: string): number | undefined {
  const m = /^(\d+)(m|h|d|w|M|Q|Y)$/.exec(text.trim());
  if (m === null) return undefined;
  const unit: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800, M: 2_592_000, Q: 7_776_000, Y: 31_536_000 };
  return Number(m[1]) * (unit[m[2]!] ?? 0);
}

const snake = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(?=[0-9])/, 'x') || 'objective';
const kebab = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').replace(/^(?=[0-9])/, 'x') || 'imported';

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ');
}

class Importer {
  readonly problems: ImportMessage[] = [];
  readonly notes: ImportMessage[] = [];
  private readonly slis = new Map<string, Sli>();
  private readonly policies = new Map<string, AlertPolicy>();
  private readonly conditions = new Map<string, Condition>();

  constructor(private readonly docs: readonly Document[]) {
    for (const d of docs) {
      if (d.kind === 'SLI') this.register(d, sliSchema, this.slis);
      else if (d.kind === 'AlertPolicy') this.register(d, alertPolicySchema, this.policies);
      else if (d.kind === 'AlertCondition') this.register(d, conditionSchema, this.conditions);
    }
  }

  private register<T>(d: Document, schema: z.ZodType<T>, into: Map<string, T>): void {
    const parsed = schema.safeParse(d.value);
    if (parsed.success) into.set(d.name, parsed.data);
    else this.problems.push({ where: `${d.kind} ${d.name}`, message: issuesText(parsed.error) });
  }

  private problem(where: string, message: string): undefined {
    this.problems.push({ where, message });
    return undefined;
  }

  /** A Prometheus query of a metric source, with the window placeholder in agent-slo's spelling. */
  private query(where: string, metric: z.infer<typeof metricSchema> | undefined, counter: boolean): string | undefined {
    if (metric === undefined) return undefined;
    const src = metric.metricSource;
    const type = src.type ?? 'Prometheus';
    if (type.toLowerCase() !== 'prometheus') return this.problem(where, `metric source type ${type}: agent-slo reads Prometheus (or compatible) only`);
    const q = src.spec?.query ?? src.spec?.promql;
    if (typeof q !== 'string' || q.trim() === '') return this.problem(where, 'metricSource.spec.query (the PromQL) is missing');
    const withWindow = q.replace(/\{\{\s*\.?window\s*\}\}/gi, '{{window}}');
    if (withWindow.includes('{{window}}')) {
      // Event counts, not per-second rates: the same ratio, and minEvents and the reports count events.
      const counts = withWindow.replace(/\brate\s*\(/g, 'increase(');
      if (counts !== withWindow) this.notes.push({ where, message: 'rate() over the window read as increase(): the ratio is the same, and agent-slo counts events (minEvents, reports)' });
      return counts.trim();
    }
    if (counter && /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$/.test(q.trim())) return `sum(increase(${q.trim()}[{{window}}]))`;
    return this.problem(where, `query ${JSON.stringify(q)} has no {{.window}} placeholder and is not a bare counter selector; write the range as [{{.window}}] so each window can be evaluated`);
  }

  private sliOf(where: string, inline: Sli | undefined, ref: string | undefined): Sli | undefined {
    if (inline !== undefined) return inline;
    if (ref === undefined) return this.problem(where, 'has neither indicator nor indicatorRef');
    return this.slis.get(ref) ?? this.problem(where, `indicatorRef ${ref}: no SLI document of that name`);
  }

  private burnRateAlerts(where: string, policies: readonly AlertPolicy[] | undefined, budgetSeconds: number): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const p of policies ?? []) {
      const policy = p.alertPolicyRef !== undefined ? this.policies.get(p.alertPolicyRef) : p;
      const pname = p.alertPolicyRef ?? p.metadata?.name ?? 'inline';
      if (policy?.spec === undefined) {
        this.problem(`${where} alertPolicies`, p.alertPolicyRef !== undefined ? `alertPolicyRef ${p.alertPolicyRef}: no AlertPolicy document of that name` : 'an inline alert policy needs spec.conditions');
        continue;
      }
      if (policy.spec.alertWhenNoData === true) this.notes.push({ where: `AlertPolicy ${pname}`, message: 'alertWhenNoData: agent-slo reports missing data as "no data" in serve and "cannot evaluate" in the gate, not as an alert' });
      if ((policy.spec.notificationTargets?.length ?? 0) > 0) this.notes.push({ where: `AlertPolicy ${pname}`, message: 'notificationTargets: routing comes from owner/channel (set them with --owner/--channel or in the spec)' });
      for (const c of policy.spec.conditions) {
        const cond = c.conditionRef !== undefined ? this.conditions.get(c.conditionRef) : c;
        const cname = c.conditionRef ?? c.metadata?.name ?? `${pname}_condition`;
        const at = `AlertPolicy ${pname} condition ${cname}`;
        if (cond?.spec === undefined) {
          this.problem(at, c.conditionRef !== undefined ? `conditionRef ${c.conditionRef}: no AlertCondition document of that name` : 'needs spec.condition');
          continue;
        }
        const k = cond.spec.condition;
        if (k.kind.toLowerCase() !== 'burnrate') {
          this.problem(at, `condition kind ${k.kind}: agent-slo alerts on burn rates (kind burnrate) and on the SLI thresholds`);
          continue;
        }
        const lookback = k.lookbackWindow === undefined ? undefined : openSloDuration(k.lookbackWindow);
        if (k.threshold === undefined || k.threshold <= 0 || lookback === undefined) {
          this.problem(at, 'a burnrate condition needs a positive threshold and a lookbackWindow such as 1h');
          continue;
        }
        if (k.op !== undefined && k.op !== 'gt' && k.op !== 'gte') {
          this.problem(at, `op ${k.op}: a burn-rate alert fires when the burn rate is above the threshold (gt/gte)`);
          continue;
        }
        const consumed = Math.round(((k.threshold * lookback) / budgetSeconds) * 1e6) / 1e6;
        if (consumed > 1) {
          this.problem(at, `burn rate ${k.threshold} over ${k.lookbackWindow} spends ${consumed}x the whole budget; lower the threshold or the lookback`);
          continue;
        }
        if (k.alertAfter !== undefined) this.notes.push({ where: at, message: `alertAfter ${k.alertAfter}: burn-rate alerts use a short window (lookback ÷ 12) instead of a delay` });
        out.push({ name: snake(cname), consumed, within: promDuration(lookback), severity: cond.spec.severity ?? 'critical' });
      }
    }
    return out;
  }

  /** The agent-slo objectives of one SLO document. */
  slo(d: Document): Record<string, unknown>[] {
    const where = `SLO ${d.name}`;
    const parsed = sloSpecSchema.safeParse(d.value.spec);
    if (!parsed.success) return this.problem(where, issuesText(parsed.error)) ?? [];
    const spec = parsed.data;
    const tw = spec.timeWindow[0]!;
    const windowSeconds = openSloDuration(tw.duration);
    if (windowSeconds === undefined) return this.problem(`${where} timeWindow`, `duration ${JSON.stringify(tw.duration)} is not an OpenSLO duration such as 28d, 4w or 1M`) ?? [];
    if (tw.isRolling === false || tw.calendar !== undefined) {
      this.notes.push({ where: `${where} timeWindow`, message: `calendar window ${tw.duration}${tw.calendar?.startTime !== undefined ? ` from ${tw.calendar.startTime}` : ''}${tw.calendar?.timeZone !== undefined ? ` (${tw.calendar.timeZone})` : ''}: agent-slo windows are rolling; imported as a rolling ${promDuration(windowSeconds)} window (\`agent-slo review --period month\` reports calendar months)` });
    }
    if (spec.budgetingMethod !== 'Occurrences') {
      this.notes.push({ where: `${where} budgetingMethod`, message: `${spec.budgetingMethod}: agent-slo budgets count events (Occurrences); imported as Occurrences, so a slice with few events weighs less than in ${spec.budgetingMethod}` });
    }
    const gate = Math.min(604_800, windowSeconds);
    const windows = { alert: promDuration(Math.min(86_400, gate)), gate: promDuration(gate), target: promDuration(windowSeconds) };
    const burn = this.burnRateAlerts(where, spec.alertPolicies, windowSeconds);
    const out: Record<string, unknown>[] = [];
    spec.objectives.forEach((obj, i) => {
      const at = `${where} objectives[${i}]`;
      const sli = this.sliOf(at, obj.indicator ?? spec.indicator, obj.indicatorRef ?? spec.indicatorRef);
      if (sli === undefined) return;
      const target = obj.target ?? (obj.targetPercent !== undefined ? obj.targetPercent / 100 : undefined);
      if (target === undefined) return void this.problem(at, 'needs target (0..1) or targetPercent');
      if (spec.budgetingMethod === 'Timeslices' && obj.timeSliceTarget !== undefined) {
        this.notes.push({ where: at, message: `timeSliceTarget ${obj.timeSliceTarget}${obj.timeSliceWindow !== undefined ? ` per ${String(obj.timeSliceWindow)}` : ''}: no equivalent (events are counted over the whole window)` });
      }
      const name = snake(spec.objectives.length > 1 ? `${d.name}_${obj.displayName ?? String(i)}` : d.name);
      const sloTitle = (d.value.metadata as { displayName?: string } | undefined)?.displayName;
      const title = spec.objectives.length > 1 ? `${sloTitle ?? d.name}: ${obj.displayName ?? String(i)}` : (sloTitle ?? obj.displayName ?? d.name);
      const common = { name, title, ...(spec.description !== undefined ? { description: spec.description } : {}), windows };
      const mapped = sli.spec.ratioMetric !== undefined ? this.ratio(at, sli, target, burn) : sli.spec.thresholdMetric !== undefined ? this.threshold(at, sli, obj, burn) : this.problem(at, 'the SLI has neither ratioMetric nor thresholdMetric');
      if (mapped !== undefined) out.push({ ...common, ...mapped, runbook: `${name}.md` });
    });
    return out;
  }

  private ratio(at: string, sli: Sli, target: number, burn: Record<string, unknown>[]): Record<string, unknown> | undefined {
    const r = sli.spec.ratioMetric!;
    if (r.raw !== undefined) return this.problem(at, 'ratioMetric.raw (a precomputed ratio) has no equivalent: agent-slo counts good or bad events over total events');
    const counter = r.counter !== false;
    if (!counter) return this.problem(at, 'ratioMetric.counter: false (gauges) has no equivalent: agent-slo needs event counters');
    if ((r.good === undefined) === (r.bad === undefined) || r.total === undefined) return this.problem(at, 'ratioMetric needs total and exactly one of good or bad');
    const numerator = r.good !== undefined ? 'good' : 'bad';
    const num = this.query(`${at} ratioMetric.${numerator}`, r.good ?? r.bad, counter);
    const total = this.query(`${at} ratioMetric.total`, r.total, counter);
    if (num === undefined || total === undefined) return undefined;
    const good = numerator === 'good';
    const t = good ? target : Math.round((1 - target) * 1e12) / 1e12;
    return {
      direction: good ? 'higher_is_better' : 'lower_is_better',
      unit: 'ratio',
      target: t,
      critical: { threshold: t },
      sli: { ratio: { [numerator]: { promql: num }, total: { promql: total } } },
      errorBudget: burn.length > 0 ? { burnRateAlerts: burn } : {},
    };
  }

  private threshold(at: string, sli: Sli, obj: z.infer<typeof objectiveSchema>, burn: Record<string, unknown>[]): Record<string, unknown> | undefined {
    const q = sli.spec.thresholdMetric!.metricSource.spec?.query ?? sli.spec.thresholdMetric!.metricSource.spec?.promql;
    const text = typeof q === 'string' ? q : '';
    const m = /histogram_quantile\s*\(\s*([0-9.]+)\s*,[\s\S]*?([a-zA-Z_:][a-zA-Z0-9_:]*)_bucket\s*(\{([^{}]*)\})?/.exec(text);
    if (m === null) {
      return this.problem(at, `thresholdMetric ${JSON.stringify(text)}: only histogram_quantile(q, …<histogram>_bucket…) maps (to a quantile SLI decided from the buckets); agent-slo counts events, a gauge compared with a threshold has no equivalent`);
    }
    if (obj.value === undefined || (obj.op !== 'lt' && obj.op !== 'lte')) return this.problem(at, 'a latency threshold needs op lt or lte and a value');
    const matchers: Record<string, string> = {};
    for (const part of (m[4] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const eq = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"$/.exec(part);
      if (eq === null) return this.problem(at, `matcher ${part}: only equality matchers (label="value") map to histogram matchers`);
      matchers[eq[1]!] = eq[2]!;
    }
    const metric = m[2]!;
    const unit = /_milliseconds$/.test(metric) ? 'ms' : /_bytes$/.test(metric) ? 'By' : 's';
    const quantile = Number(m[1]);
    if (!(quantile > 0 && quantile < 1)) return this.problem(at, `quantile ${m[1]} must lie between 0 and 1`);
    const target = obj.target ?? (obj.targetPercent !== undefined ? obj.targetPercent / 100 : undefined);
    this.notes.push({ where: at, message: `threshold ${obj.value} ${unit} at p${Math.round(quantile * 1000) / 10}: decided from the share of events in buckets up to the threshold; the target ${String(target)} (share of good ${obj.op === undefined ? 'occurrences' : 'points'}) is carried as the error budget (1 − ${quantile} of events may exceed the threshold)` });
    return {
      direction: 'lower_is_better',
      unit,
      target: obj.value,
      critical: { threshold: obj.value },
      sli: { quantile: { histogram: { metric, unit, ...(Object.keys(matchers).length > 0 ? { matchers } : {}) }, quantile } },
      errorBudget: { allowed: Math.round((1 - quantile) * 1e12) / 1e12, ...(burn.length > 0 ? { burnRateAlerts: burn } : {}) },
    };
  }
}

/** Imports parsed OpenSLO documents (one per YAML document of the file). Pure. */
export function importOpenSlo(values: readonly unknown[], opts: OpenSloImportOptions = {}): OpenSloImport {
  const problems: ImportMessage[] = [];
  const notes: ImportMessage[] = [];
  const docs: Document[] = [];
  values.forEach((v, index) => {
    const head = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: metadataSchema }).safeParse(v);
    if (!head.success) return void problems.push({ where: `document ${index + 1}`, message: `not an OpenSLO document (${issuesText(head.error)})` });
    if (head.data.apiVersion !== 'openslo/v1') return void problems.push({ where: `${head.data.kind} ${head.data.metadata.name}`, message: `apiVersion ${head.data.apiVersion}: only openslo/v1 is read` });
    docs.push({ index, kind: head.data.kind, name: head.data.metadata.name, value: v as Record<string, unknown> });
  });
  const known = new Set(['SLO', 'SLI', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget', 'Service', 'DataSource']);
  for (const d of docs) if (!known.has(d.kind)) problems.push({ where: `${d.kind} ${d.name}`, message: `kind ${d.kind} is not an OpenSLO v1 kind` });
  const importer = new Importer(docs);
  const slos = docs.filter((d) => d.kind === 'SLO');
  if (slos.length === 0 && problems.length === 0) problems.push({ where: 'input', message: 'contains no SLO document' });
  const objectives = slos.flatMap((d) => importer.slo(d));
  problems.push(...importer.problems);
  notes.push(...importer.notes);
  if (problems.length > 0 || objectives.length === 0) return { problems, notes };
  const firstService = (slos[0]!.value.spec as { service?: string }).service ?? 'imported';
  const name = kebab(opts.name ?? firstService);
  const owner = opts.owner ?? `@${kebab(firstService)}`;
  const channel = opts.channel ?? `#${kebab(firstService)}-alerts`;
  if (opts.owner === undefined || opts.channel === undefined) notes.push({ where: 'routing', message: `owner ${owner} and channel ${channel} are placeholders (OpenSLO carries no owner): set --owner and --channel, or edit defaults.routing` });
  const spec: Record<string, unknown> = {
    apiVersion: API_VERSION_V1,
    kind: KIND_PROFILE,
    metadata: {
      name,
      service: firstService,
      source: `OpenSLO v1 (${slos.map((d) => d.name).join(', ')})`,
      runbookBaseUrl: opts.runbookBaseUrl ?? `docs/runbooks/${name}`,
    },
    defaults: { routing: { owner, channel } },
    objectives,
  };
  return { spec, problems, notes };
}
