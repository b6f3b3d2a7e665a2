/** Instrumentation scope of every instrument this package creates (the `otel_scope_name` label in Prometheus). */
export const PACKAGE_NAME = '@agent-slo/instrumentation' as const;
/** Kept equal to package.json's version by test/version.test.ts. */
export const PACKAGE_VERSION = '0.1.0' as const;
