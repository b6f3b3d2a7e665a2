import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { AgentSloSpanProcessor, type AgentSloSpanProcessorOptions } from './span-processor.js';
import { Recorder } from './recorder.js';
import type { AgentSloRecorder } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** Config of {@link AgentSloInstrumentation}: the span processor's options plus `enabled`. */
export interface AgentSloInstrumentationConfig extends Omit<AgentSloSpanProcessorOptions, 'recorder' | 'meterProvider'> {
  /** @default true */
  enabled?: boolean;
}

/**
 * An `Instrumentation` (the interface `NodeSDK({ instrumentations })` and `registerInstrumentations` use) that
 * patches no module: it receives the SDK's MeterProvider, is enabled and disabled with the other
 * instrumentations, and holds the recorder for manual recording plus a span processor for the zero-code path.
 * SDK 2.x cannot add span processors after start, so pass `spanProcessor` to `NodeSDK({ spanProcessors })` too:
 *
 * ```ts
 * const slo = new AgentSloInstrumentation();
 * new NodeSDK({ instrumentations: [slo, new OpenAIInstrumentation()], spanProcessors: [slo.spanProcessor] }).start();
 * slo.recorder.recordShadowComparison('match');
 * ```
 *
 * Implements `@opentelemetry/instrumentation`'s `Instrumentation` structurally, so this package does not depend
 * on `@opentelemetry/instrumentation` at run time.
 */
export class AgentSloInstrumentation {
  readonly instrumentationName = PACKAGE_NAME;
  readonly instrumentationVersion = PACKAGE_VERSION;
  readonly recorder: AgentSloRecorder;
  readonly spanProcessor: AgentSloSpanProcessor;
  private config: AgentSloInstrumentationConfig;
  private readonly rec: Recorder;

  constructor(config: AgentSloInstrumentationConfig = {}) {
    this.config = { ...config, enabled: config.enabled ?? true };
    this.rec = new Recorder({ ...config, enabled: this.config.enabled });
    this.recorder = this.rec;
    this.spanProcessor = new AgentSloSpanProcessor({ ...config, recorder: this.rec });
  }

  enable(): void {
    this.config = { ...this.config, enabled: true };
    this.rec.enable();
  }

  disable(): void {
    this.config = { ...this.config, enabled: false };
    this.rec.disable();
  }

  setMeterProvider(meterProvider: MeterProvider): void {
    this.rec.setMeterProvider(meterProvider);
  }

  /** No spans of its own: the tracer provider is not used. */
  setTracerProvider(_tracerProvider: TracerProvider): void {}

  /** Only `enabled` can change after construction; other options are fixed when the recorder is built. */
  setConfig(config: AgentSloInstrumentationConfig): void {
    if (config.enabled === false) this.disable();
    else this.enable();
  }

  getConfig(): AgentSloInstrumentationConfig {
    return this.config;
  }
}
