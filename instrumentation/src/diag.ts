import { diag, type DiagLogger } from '@opentelemetry/api';
import { PACKAGE_NAME } from './version.js';

/**
 * Reports a problem through OpenTelemetry's `diag` once per kind, so a host that records a million bad values
 * gets one log line (and the self-metric counts every occurrence). Never throws.
 * @internal
 */
export class OnceReporter {
  private readonly seen = new Set<string>();
  private readonly maxKinds: number;
  private logger: DiagLogger | undefined;

  constructor(logger?: DiagLogger, maxKinds = 256) {
    this.logger = logger;
    this.maxKinds = maxKinds;
  }

  /** Returns true when the message was logged (first time for this kind). */
  report(kind: string, message: string, detail?: unknown): boolean {
    try {
      if (this.seen.has(kind) || this.seen.size >= this.maxKinds) return false;
      this.seen.add(kind);
      // Resolved lazily: diag.setLogger may be called after this package is loaded.
      this.logger ??= diag.createComponentLogger({ namespace: PACKAGE_NAME });
      this.logger.warn(`${message} (reported once per kind: ${kind})`, detail);
      return true;
    } catch {
      return false;
    }
  }

  /** Kinds reported so far (for tests and troubleshooting). */
  kinds(): readonly string[] {
    return [...this.seen];
  }
}
