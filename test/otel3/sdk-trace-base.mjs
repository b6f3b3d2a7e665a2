// What tests written against OTel 2.x import from @opentelemetry/sdk-trace-base, served by its 3.x successor
// @opentelemetry/sdk-trace: BasicTracerProvider became TracerProvider, SimpleSpanProcessor takes { exporter }.
// Only the tests' own tracing harness goes through here; the span processor under test uses @opentelemetry/api.
import { SimpleSpanProcessor as SimpleSpanProcessor3 } from '@opentelemetry/sdk-trace';

export * from '@opentelemetry/sdk-trace';
export { TracerProvider as BasicTracerProvider } from '@opentelemetry/sdk-trace';

export class SimpleSpanProcessor extends SimpleSpanProcessor3 {
  constructor(exporterOrOptions) {
    super('export' in exporterOrOptions ? { exporter: exporterOrOptions } : exporterOrOptions);
  }
}
