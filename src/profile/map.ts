/**
 * Wire format (v1) → model: resolves defaults, parses durations, turns signals into selectors. Problems that stop
 * a field from mapping are returned as path issues; the caller attaches file positions.
 */
import {
  COUNTER_SIGNALS,
  DEFAULT_METRIC_NAMING,
  DEFAULT_PROMETHEUS_VERSION,
  HISTOGRAM_SIGNALS,
  isUtf8Naming,
  LABEL_LE,
  LABEL_MODEL_DEFAULT,
  signalLabelName,
  signalMetricName,
  type Matcher,
  type MetricNaming,
} from '../conventions.js';
import { parseDuration, promDuration } from '../format.js';
import { DELAY_RANGE, type DurationRange, FOR_RANGE, GROUP_WAIT_RANGE, REPEAT_INTERVAL_RANGE, WINDOW_RANGE } from './limits.js';
import type {
  BurnRateAlert,
  ErrorBudget,
  Escalation,
  EventSelector,
  HistogramSelector,
  Objective,
  Profile,
  Sli,
  Threshold,
  Windows,
} from './model.js';
import { UNMAPPED_EVENTS, UNMAPPED_SLI } from './model.js';
import type { PathIssue } from './path-issue.js';
import type { ErrorBudgetWire, EventSourceWire, HistogramSourceWire, ObjectiveWire, ProfileWireV1, ThresholdWire } from './schema.js';

type Path = readonly (string | number)[];

/** Google SRE workbook multi-window multi-burn-rate pairs for a 30d budget: budget consumed, long, short window. */
const STANDARD_BURN_RATES = [
  { name: 'burn_2pct_1h', consumed: 0.02, within: 3600, short: 300 },
  { name: 'burn_5pct_6h', consumed: 0.05, within: 21_600, short: 1800 },
  { name: 'burn_10pct_3d', consumed: 0.1, within: 259_200, short: 21_600 },
] as const;

const DEFAULTS = {
  alertWindow: 86_400,
  gateWindow: 604_800,
  budgetWindow: 2_592_000,
  minEvents: 20,
  approvalAfter: 2,
  groupWait: 30,
  repeatInterval: 4 * 3600,
  slackApiUrlFile: '/etc/alertmanager/secrets/slack_api_url',
} as const;

class Mapper {
  readonly issues: PathIssue[] = [];

  /** Signals become metric names as the spec's pipeline spells them (`metricNames`). */
  constructor(private readonly naming: MetricNaming) {}

  issue(path: Path, message: string, hint?: string): void {
    this.issues.push(hint === undefined ? { path, message } : { path, message, hint });
  }

  /** Seconds of `text`, or `fallback` when absent; out of `range` is an issue naming the bound (the value is clamped). */
  duration(text: string | undefined, path: Path, fallback: number, range: DurationRange): number {
    if (text === undefined) return fallback;
    const seconds = parseDuration(text);
    if (seconds === undefined) {
      this.issue(path, `"${text}" is not a duration`, 'write a Prometheus duration such as 5m, 1h, 24h, 7d or 30d');
      return fallback;
    }
    if (seconds < range.min) {
      this.issue(path, `${text} is shorter than ${promDuration(range.min)}, the minimum for ${range.what}`, `write a duration of at least ${promDuration(range.min)}`);
      return range.min;
    }
    if (seconds > range.max) {
      this.issue(path, `${text} is longer than ${promDuration(range.max)}, the maximum for ${range.what}`, `write a duration of at most ${promDuration(range.max)}`);
      return range.max;
    }
    return seconds;
  }

  /** The profile's selector, added to every series selector (set before objectives are mapped). */
  selector: readonly Matcher[] = [];

  /** A catalogue signal's own matchers, their labels spelled as the naming writes them. */
  signalMatchers(own: readonly Matcher[]): Matcher[] {
    return own.map((m) => ({ ...m, label: signalLabelName(m.label, this.naming) }));
  }

  /** A metric or label name with dots (an OTel name) exists in Prometheus only with the UTF-8 namings. */
  labelSpelling(name: string, at: Path): void {
    if (!name.includes('.') || isUtf8Naming(this.naming)) return;
    this.issue(at, `${name} has dots, but metricNames ${this.naming} writes names with underscores`, `write ${name.replaceAll('.', '_')}, or set metricNames: utf8 (Prometheus 3)`);
  }

  matchers(map: Readonly<Record<string, string>> | undefined): Matcher[] {
    return Object.entries(map ?? {}).map(([label, value]) => ({ label, op: '=' as const, value }));
  }

  /**
   * The spec's `matchers:` of a signal or metric, after the ones agent-slo adds (`fixed`: the signal's own and the
   * profile's selector): a matcher that can never select a series is an issue (`le`, `__` labels, a contradiction).
   */
  userMatchers(map: Readonly<Record<string, string>> | undefined, fixed: readonly Matcher[], path: Path): Matcher[] {
    const own = this.matchers(map);
    for (const m of own) {
      const at: Path = [...path, m.label];
      this.labelSpelling(m.label, at);
      if (m.label === LABEL_LE) {
        this.issue(at, 'a matcher on le can never match: counters have no le label, and agent-slo picks the histogram buckets itself', 'remove it; thresholds choose the bucket');
        continue;
      }
      if (m.label.startsWith('__')) {
        this.issue(at, `${m.label} is reserved for Prometheus' internal labels`, 'match a label of the series instead');
        continue;
      }
      for (const f of [...fixed, ...this.selector]) {
        if (f.label !== m.label) continue;
        const contradicts = f.op === '=' ? f.value !== m.value : f.op === '!=' ? f.value === m.value : false;
        if (contradicts) {
          this.issue(at, `${m.label}="${m.value}" can never match: the selector already requires ${f.label}${f.op}"${f.value}"`, `remove the matcher or use a signal without a ${m.label} condition`);
        }
      }
    }
    return own;
  }

  eventSource(source: EventSourceWire, path: Path): EventSelector {
    const hasSignal = source.signal !== undefined;
    const hasPromql = source.promql !== undefined;
    if (hasSignal === hasPromql) {
      this.issue(path, hasSignal ? 'give either signal or promql, not both' : 'names no events', 'write `signal: <name>` or `promql: "<expr with {{window}}>"`');
      return UNMAPPED_EVENTS;
    }
    if (source.promql !== undefined) {
      if (source.matchers !== undefined) this.issue([...path, 'matchers'], 'matchers apply to signals only', 'put the matchers inside the PromQL');
      return { kind: 'promql', expr: source.promql };
    }
    const signal = COUNTER_SIGNALS[source.signal as keyof typeof COUNTER_SIGNALS];
    const own = this.signalMatchers(signal.matchers);
    return {
      kind: 'series',
      signal: source.signal,
      metric: signalMetricName(signal.metric, this.naming),
      matchers: [...own, ...this.userMatchers(source.matchers, own, [...path, 'matchers'])],
    };
  }

  histogram(source: HistogramSourceWire, path: Path): HistogramSelector {
    if ((source.signal === undefined) === (source.metric === undefined)) {
      this.issue(path, source.signal === undefined ? 'names no histogram' : 'give either signal or metric, not both', 'write `signal: <name>` or `metric: <base name>` with `unit`');
      return { metric: 'invalid', matchers: [], unit: 's' };
    }
    if (source.signal !== undefined) {
      if (source.unit !== undefined) this.issue([...path, 'unit'], 'a signal has its own unit', 'remove unit');
      const signal = HISTOGRAM_SIGNALS[source.signal as keyof typeof HISTOGRAM_SIGNALS];
      const own = this.signalMatchers(signal.matchers);
      return { signal: source.signal, metric: signalMetricName(signal.metric, this.naming), unit: signal.unit, matchers: [...own, ...this.userMatchers(source.matchers, own, [...path, 'matchers'])] };
    }
    if (source.unit === undefined) this.issue([...path, 'unit'], 'a histogram metric needs the unit it is recorded in', 'write `unit: s`, `unit: ms` or `unit: By`');
    if (source.metric !== undefined) this.labelSpelling(source.metric, [...path, 'metric']);
    return { metric: source.metric ?? 'invalid', unit: source.unit ?? 's', matchers: this.userMatchers(source.matchers, [], [...path, 'matchers']) };
  }

  sli(wire: ObjectiveWire['sli'], path: Path): Sli {
    const kinds = (['ratio', 'quantile', 'average', 'perEvent', 'zeroTolerance'] as const).filter((k) => wire[k] !== undefined);
    if (kinds.length !== 1) {
      this.issue(path, kinds.length === 0 ? 'has no SLI kind' : `has ${kinds.length} SLI kinds (${kinds.join(', ')})`, 'write exactly one of ratio, quantile, average, perEvent, zeroTolerance');
      return UNMAPPED_SLI;
    }
    if (wire.ratio !== undefined) {
      const r = wire.ratio;
      if ((r.good === undefined) === (r.bad === undefined)) {
        this.issue([...path, 'ratio'], r.good === undefined ? 'needs good or bad events' : 'give good or bad, not both', 'write `good:` (value = good/total) or `bad:` (value = bad/total)');
      }
      const numerator = r.good !== undefined ? 'good' : 'bad';
      const events = this.eventSource(r.good ?? r.bad ?? {}, [...path, 'ratio', numerator]);
      return { kind: 'ratio', numerator, events, total: this.eventSource(r.total, [...path, 'ratio', 'total']) };
    }
    if (wire.quantile !== undefined) {
      return { kind: 'quantile', quantile: wire.quantile.quantile, histogram: this.histogram(wire.quantile.histogram, [...path, 'quantile', 'histogram']) };
    }
    if (wire.average !== undefined) return { kind: 'average', histogram: this.histogram(wire.average.histogram, [...path, 'average', 'histogram']) };
    if (wire.perEvent !== undefined) {
      return {
        kind: 'perEvent',
        value: this.eventSource(wire.perEvent.value, [...path, 'perEvent', 'value']),
        events: this.eventSource(wire.perEvent.events, [...path, 'perEvent', 'events']),
      };
    }
    const z = wire.zeroTolerance ?? { events: {} };
    const events = this.eventSource(z.events, [...path, 'zeroTolerance', 'events']);
    return z.population === undefined
      ? { kind: 'zeroTolerance', events }
      : { kind: 'zeroTolerance', events, population: this.eventSource(z.population, [...path, 'zeroTolerance', 'population']) };
  }

  threshold(wire: ThresholdWire, level: 'warning' | 'critical', severity: string, path: Path): Threshold {
    return {
      level,
      value: wire.threshold,
      forSeconds: this.duration(wire.for, [...path, 'for'], 0, FOR_RANGE),
      severity: wire.severity ?? severity,
    };
  }

  errorBudget(wire: ErrorBudgetWire, defaults: ErrorBudgetWire, objective: ObjectiveWire, sli: Sli, windowSeconds: number, path: Path): ErrorBudget {
    let allowed = wire.allowed;
    let budgetSli: ErrorBudget['sli'];
    if (sli.kind === 'ratio') {
      budgetSli = sli;
      if (allowed === undefined) allowed = objective.direction === 'higher_is_better' ? 1 - objective.target : objective.target;
    } else if (sli.kind === 'quantile' || sli.kind === 'average') {
      budgetSli = { kind: 'histogramAbove', histogram: sli.histogram, bound: objective.target };
    } else if (sli.kind === 'zeroTolerance') {
      budgetSli = { kind: 'ratio', numerator: 'bad', events: sli.events, total: sli.population ?? sli.events };
      allowed ??= 0;
    } else {
      this.issue(path, `a ${sli.kind} SLI has no events to spend a budget on`, 'remove errorBudget, or use a ratio SLI');
      budgetSli = { kind: 'ratio', numerator: 'bad', events: sli.events, total: sli.events };
    }
    if (allowed === undefined) {
      this.issue([...path, 'allowed'], 'a histogram SLI needs the fraction of events that may exceed the target', 'write e.g. `allowed: 0.10` (10% may exceed the target)');
      allowed = 0;
    }
    allowed = Math.round(allowed * 1e12) / 1e12;
    const alerts: BurnRateAlert[] = [];
    const standard = wire.standardBurnRates ?? defaults.standardBurnRates ?? false;
    if (standard && allowed > 0) {
      for (const s of STANDARD_BURN_RATES) {
        alerts.push({ name: s.name, consumed: s.consumed, withinSeconds: s.within, shortWindowSeconds: s.short, severity: s.within <= 3600 ? 'critical' : 'warning', burnRate: (s.consumed * windowSeconds) / s.within, standard: true });
      }
    }
    const own = wire.burnRateAlerts ?? defaults.burnRateAlerts ?? [];
    const ownPath: Path = wire.burnRateAlerts !== undefined ? [...path, 'burnRateAlerts'] : ['defaults', 'errorBudget', 'burnRateAlerts'];
    own.forEach((b, i) => {
      const within = this.duration(b.within, [...ownPath, i, 'within'], 3600, WINDOW_RANGE);
      const short = this.duration(b.shortWindow, [...ownPath, i, 'shortWindow'], Math.max(300, Math.round(within / 12)), WINDOW_RANGE);
      if (allowed > 0) {
        alerts.push({ name: b.name, consumed: b.consumed, withinSeconds: within, shortWindowSeconds: short, severity: b.severity, burnRate: (b.consumed * windowSeconds) / within, standard: false });
      }
    });
    return {
      allowed,
      windowSeconds,
      sli: budgetSli,
      burnRateAlerts: alerts,
      onExhausted: wire.onExhausted ?? defaults.onExhausted ?? 'freeze',
      exhaustedSeverity: wire.exhaustedSeverity ?? defaults.exhaustedSeverity ?? 'critical',
    };
  }

  escalation(wire: NonNullable<ObjectiveWire['escalation']>, severity: string, path: Path): Escalation | undefined {
    const modes = [wire.after !== undefined, wire.immediate === true, wire.when !== undefined].filter(Boolean).length;
    if (modes !== 1) {
      this.issue(path, modes === 0 ? 'says neither when nor after' : 'mixes after, immediate and when', 'write one of `after: 30m`, `immediate: true`, or `when: {events, above, window}`');
      return undefined;
    }
    const sev = wire.severity ?? severity;
    if (wire.after !== undefined) return { kind: 'delay', to: wire.to, afterSeconds: this.duration(wire.after, [...path, 'after'], 1800, DELAY_RANGE), severity: sev };
    if (wire.when !== undefined) {
      return {
        kind: 'condition',
        to: wire.to,
        events: this.eventSource(wire.when.events, [...path, 'when', 'events']),
        above: wire.when.above,
        windowSeconds: this.duration(wire.when.window, [...path, 'when', 'window'], 86_400, WINDOW_RANGE),
        severity: sev,
      };
    }
    return { kind: 'immediate', to: wire.to, severity: sev };
  }

  objective(wire: ObjectiveWire, profile: ProfileWireV1, index: number, runbookBase: string | undefined): Objective {
    const path: Path = ['objectives', index];
    const d = profile.defaults ?? {};
    const dw = d.windows ?? {};
    const w = wire.windows ?? {};
    const wpath = (k: keyof typeof w): Path => (w[k] !== undefined ? [...path, 'windows', k] : ['defaults', 'windows', k]);
    const alert = this.duration(w.alert ?? dw.alert, wpath('alert'), DEFAULTS.alertWindow, WINDOW_RANGE);
    const gate = this.duration(w.gate ?? dw.gate, wpath('gate'), DEFAULTS.gateWindow, WINDOW_RANGE);
    const sli = this.sli(wire.sli, [...path, 'sli']);
    const budgetWire = wire.errorBudget;
    const budgetText = w.budget ?? budgetWire?.window ?? dw.budget;
    const budgetSeconds = budgetWire === undefined ? undefined : this.duration(budgetText, budgetWire.window !== undefined ? [...path, 'errorBudget', 'window'] : wpath('budget'), DEFAULTS.budgetWindow, WINDOW_RANGE);
    const target = this.duration(w.target ?? dw.target, wpath('target'), budgetSeconds ?? gate, WINDOW_RANGE);
    const windows: Windows = budgetSeconds === undefined ? { alert, gate, target } : { alert, gate, target, budget: budgetSeconds };
    const sev = d.severities ?? {};
    const routing = d.routing ?? {};
    const critical = this.threshold(wire.critical, 'critical', sev.critical ?? 'critical', [...path, 'critical']);
    const runbook = wire.runbook === undefined ? '' : /^[a-z]+:\/\//.test(wire.runbook) || runbookBase === undefined ? wire.runbook : `${runbookBase.replace(/\/$/, '')}/${wire.runbook.replace(/^\.?\//, '')}`;
    const owner = wire.owner ?? routing.owner ?? '';
    const base = {
      name: wire.name,
      title: wire.title ?? wire.name,
      description: wire.description ?? '',
      direction: wire.direction,
      unit: wire.unit,
      target: wire.target,
      critical,
      windows,
      sli,
      activeOnlyWithData: wire.activeOnlyWithData ?? false,
      modelScoped: wire.modelScoped ?? false,
      minEvents: wire.minEvents ?? d.minEvents ?? DEFAULTS.minEvents,
      owner,
      team: wire.team ?? routing.team ?? owner.replace(/^@/, ''),
      channel: wire.channel ?? routing.channel ?? '',
      runbookUrl: runbook,
    };
    const warning = wire.warning === undefined ? undefined : this.threshold(wire.warning, 'warning', sev.warning ?? 'warning', [...path, 'warning']);
    const escalation = wire.escalation === undefined ? undefined : this.escalation(wire.escalation, critical.severity, [...path, 'escalation']);
    const errorBudget =
      budgetWire === undefined || budgetSeconds === undefined
        ? undefined
        : this.errorBudget(budgetWire, d.errorBudget ?? {}, wire, sli, budgetSeconds, [...path, 'errorBudget']);
    return {
      ...base,
      ...(warning === undefined ? {} : { warning }),
      ...(escalation === undefined ? {} : { escalation }),
      ...(errorBudget === undefined ? {} : { errorBudget }),
      ...(wire.statusMetric === undefined ? {} : { statusMetric: wire.statusMetric }),
    };
  }

  profile(wire: ProfileWireV1, files: readonly string[]): Profile {
    this.selector = this.matchers(wire.selector);
    for (const m of this.selector) {
      this.labelSpelling(m.label, ['selector', m.label]);
      if (m.label === LABEL_LE || m.label.startsWith('__')) this.issue(['selector', m.label], `a selector on ${m.label} can never match every series`, 'select on the labels your services put on their series');
    }
    const m = wire.metadata;
    const n = wire.notifications ?? {};
    const g = wire.gate ?? {};
    if (g.modelLabel !== undefined) this.labelSpelling(g.modelLabel, ['gate', 'modelLabel']);
    const notifications = {
      pageSeverities: n.pageSeverities ?? [],
      groupWaitSeconds: this.duration(n.groupWait, ['notifications', 'groupWait'], DEFAULTS.groupWait, GROUP_WAIT_RANGE),
      repeatIntervalSeconds: this.duration(n.repeatInterval, ['notifications', 'repeatInterval'], DEFAULTS.repeatInterval, REPEAT_INTERVAL_RANGE),
      // Without a file Alertmanager refuses every Slack receiver; the default is the path the shipped profiles use.
      slackApiUrlFile: n.slack?.apiUrlFile ?? DEFAULTS.slackApiUrlFile,
      ...(n.webhook === undefined ? {} : { webhookUrlEnv: n.webhook.urlEnv }),
    };
    return {
      apiVersion: wire.apiVersion,
      name: m.name,
      title: m.title ?? m.name,
      service: m.service,
      description: m.description ?? '',
      ...(m.source === undefined ? {} : { source: m.source }),
      labels: m.labels ?? {},
      selector: this.selector,
      metricNames: this.naming,
      prometheusVersion: wire.prometheusVersion ?? DEFAULT_PROMETHEUS_VERSION,
      gate: {
        blockOnCritical: g.blockOnCritical ?? true,
        approvalAfterConsecutiveWarnings: g.approvalAfterConsecutiveWarnings ?? DEFAULTS.approvalAfter,
        freezeOnBudgetExhausted: g.freezeOnBudgetExhausted ?? true,
        modelLabel: g.modelLabel ?? signalLabelName(LABEL_MODEL_DEFAULT, this.naming),
      },
      notifications,
      dashboards: { extraPaths: wire.dashboards?.extraPaths ?? [] },
      objectives: wire.objectives.map((o, i) => this.objective(o, wire, i, m.runbookBaseUrl)),
      files,
    };
  }
}

/** Maps a shape-valid v1 document to the model; `issues` lists what could not be mapped. */
export function mapProfileV1(wire: ProfileWireV1, files: readonly string[]): { profile: Profile; issues: PathIssue[] } {
  const mapper = new Mapper(wire.metricNames ?? DEFAULT_METRIC_NAMING);
  const profile = mapper.profile(wire, files);
  return { profile, issues: mapper.issues };
}
