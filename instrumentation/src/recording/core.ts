/**
 * What every record function shares: the instruments (re-created when the global meter provider changes), bounded
 * label values, the price table, the one guarded entry (off when disabled, never throws into the host) and the
 * rejection path (`agent.instrumentation.rejected` + one diag message per kind). Package-internal.
 */
import { metrics, type MeterProvider } from '@opentelemetry/api';
import { missingBucketBoundary } from '../buckets.js';
import { CardinalityGuard } from '../cardinality.js';
import { OnceReporter } from '../diag.js';
import { createInstruments, resolveBuckets, type Instruments } from '../instruments.js';
import { labelBounds, type LabelBounds } from '../label-bounds.js';
import { costFromUsage, invalidPrices } from '../pricing.js';
import { ATTR_AGENT_REJECTED_INSTRUMENT, ATTR_AGENT_REJECTED_REASON, type RejectedReason } from '../semconv.js';
import type { AgentSloRecorderOptions, HistogramMetricName, PriceTable, TokenUsage } from '../types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';

export const isNonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
export const isString = (s: unknown): s is string => typeof s === 'string';

export class RecorderCore {
  readonly reporter = new OnceReporter();
  /** Bounded label values, one per (instrument, attribute). */
  readonly b: LabelBounds;
  readonly costFromModelCalls: boolean;
  readonly priceTable: PriceTable | undefined;
  private readonly buckets: Record<HistogramMetricName, number[]>;
  private fixedProvider: MeterProvider | undefined;
  private provider: MeterProvider | undefined;
  private inst: Instruments | undefined;
  enabled: boolean;

  constructor(options: AgentSloRecorderOptions) {
    this.b = labelBounds(new CardinalityGuard(options.cardinality));
    this.buckets = resolveBuckets(options.buckets);
    for (const [name, b] of Object.entries(options.buckets ?? {})) {
      if (b !== undefined && this.buckets[name as HistogramMetricName]?.join() !== (Array.isArray(b) ? b.join() : String(b))) {
        this.reporter.report(`invalid_buckets:${name}`, `bucket boundaries for ${name} are not ascending finite numbers; using the defaults`);
      }
    }
    const missing = missingBucketBoundary(this.buckets, options.thresholds);
    if (missing !== undefined) this.reporter.report(`missing_bucket:${missing.metric}`, missing.message, missing);
    const bad = options.priceTable === undefined ? [] : invalidPrices(options.priceTable);
    if (bad.length > 0) {
      this.reporter.report('invalid_price_table', `price table has invalid prices for ${bad.join(', ')}; those models are not priced`);
    }
    this.priceTable = options.priceTable;
    this.costFromModelCalls = options.costFromModelCalls ?? options.priceTable !== undefined;
    this.fixedProvider = options.meterProvider;
    this.enabled = options.enabled ?? true;
  }

  instruments(): Instruments {
    const mp = this.fixedProvider ?? metrics.getMeterProvider();
    if (mp !== this.provider || this.inst === undefined) {
      this.inst = createInstruments(mp.getMeter(PACKAGE_NAME, PACKAGE_VERSION), this.buckets);
      this.provider = mp;
    }
    return this.inst;
  }

  setMeterProvider(meterProvider: MeterProvider): void {
    this.fixedProvider = meterProvider;
    this.inst = undefined;
  }

  /** The one entry of every record function: off when disabled, and nothing ever throws into the host. */
  guarded(record: () => void): void {
    if (!this.enabled) return;
    try {
      record();
    } catch (err) {
      this.internal(err);
    }
  }

  /** Counts a recording refused for invalid input (`agent.instrumentation.rejected`) and reports the kind once. */
  reject(reason: RejectedReason, instrument: string, detail: string): void {
    try {
      this.instruments().rejected.add(1, {
        [ATTR_AGENT_REJECTED_REASON]: reason,
        [ATTR_AGENT_REJECTED_INSTRUMENT]: instrument,
      });
    } catch (err) {
      this.internal(err);
    }
    this.reporter.report(`${reason}:${instrument}`, `rejected a recording of ${instrument}: ${detail}`);
  }

  internal(err: unknown): void {
    this.reporter.report('internal_error', 'recording failed inside the metrics SDK and was skipped', err);
  }

  /** Cost of `usage` at the first of `models` the price table knows; undefined without a table or a valid price. */
  priced(models: readonly (string | undefined)[], usage: Omit<TokenUsage, 'model'>): number | undefined {
    const table = this.priceTable;
    if (table === undefined) return undefined;
    const model = models.find((m): m is string => isString(m) && table[m] !== undefined) ?? models.find(isString) ?? '';
    return costFromUsage(table, { ...usage, model });
  }
}
