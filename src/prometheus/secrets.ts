/**
 * The credentials a client sends, and the one function that lets outside text in: every error body, warning, info,
 * Location header and exception message from the server side passes through `SecretSet.admit` before it can reach
 * an error, a report or a log. See docs/prometheus.md ("Secrets").
 */

const MARK = '[REDACTED]';
/** Shorter values are not searched for (a one-character header value would redact every occurrence of a letter). */
const MIN_SECRET_LENGTH = 2;

/** Every form in which `secret` may come back: raw, URL-encoded (both styles), JSON-escaped, base64. */
function formsOf(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ];
  return forms.filter((f) => f.length >= MIN_SECRET_LENGTH);
}

export class SecretSet {
  private readonly forms = new Set<string>();
  private longest = 0;

  /** Adds a credential (token, password, header value); every encoded form of it is redacted too. */
  add(secret: string): void {
    for (const f of formsOf(secret)) {
      if (this.forms.has(f)) continue;
      this.forms.add(f);
      this.longest = Math.max(this.longest, f.length);
    }
  }

  /** Basic auth: the password, and the `user:password` pair as it travels (base64 in the Authorization header). */
  addBasicAuth(username: string, password: string): void {
    this.add(password);
    this.add(`${username}:${password}`);
  }

  /** Replaces every known form of every secret by `[REDACTED]` (longest first, so no encoded form is half-replaced). */
  redact(text: string): string {
    let out = text;
    for (const f of [...this.forms].sort((a, b) => b.length - a.length)) out = out.split(f).join(MARK);
    return out;
  }

  /**
   * Outside text made safe to keep: redacted, then cut to `maxChars` (marked with "…"). Never reads more than
   * `maxChars` + the longest secret, whatever the input size; a secret cut at the boundary is removed, not shown
   * in part.
   */
  admit(text: string, maxChars: number): string {
    if (text.length <= maxChars) return this.redact(text);
    let kept = this.redact(text.slice(0, maxChars + this.longest));
    if (kept.length > maxChars) kept = kept.slice(0, maxChars);
    return `${this.dropPartialSecret(kept)}…`;
  }

  /** Removes a tail that is the beginning of a secret form (what a cut in the middle of a secret leaves). */
  private dropPartialSecret(text: string): string {
    let cut = text.length;
    for (const f of this.forms) {
      for (let k = Math.min(f.length - 1, text.length); k >= MIN_SECRET_LENGTH; k--) {
        if (text.endsWith(f.slice(0, k))) {
          cut = Math.min(cut, text.length - k);
          break;
        }
      }
    }
    return cut === text.length ? text : `${text.slice(0, cut)}${MARK}`;
  }
}

/** Replaces every occurrence of each secret (2+ characters) and of its encoded forms by `[REDACTED]`. */
export function redact(text: string, secrets: Iterable<string>): string {
  const set = new SecretSet();
  for (const s of secrets) set.add(s);
  return set.redact(text);
}
