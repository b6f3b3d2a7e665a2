/**
 * The server's warnings over many queries (review, serve): distinct texts, at most `max` of them, in arrival order.
 * Each text was admitted by the envelope (src/prometheus/envelope.ts: redacted through the connection's SecretSet and
 * cut to TEXT_LIMITS.note characters), so the list can go into reports and logs as it is.
 */
import { TEXT_LIMITS } from './envelope.js';
import type { ResponseNotes } from './results.js';

export class WarningSet {
  private readonly seen = new Set<string>();
  private dropped = 0;

  constructor(private readonly max: number = TEXT_LIMITS.notes) {}

  /** Records the warnings of one answer. */
  add(notes: Pick<ResponseNotes, 'warnings'>): void {
    for (const w of notes.warnings) {
      if (this.seen.has(w)) continue;
      if (this.seen.size < this.max) this.seen.add(w);
      else this.dropped++;
    }
  }

  /** The distinct warnings, and how many more distinct ones were left out. */
  list(): string[] {
    const out = [...this.seen];
    if (this.dropped > 0) out.push(`… and ${String(this.dropped)} more warning(s) not listed`);
    return out;
  }
}
