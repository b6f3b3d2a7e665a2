/**
 * Escapes a value for a double-quoted PromQL string literal (label matcher values, `label_replace` arguments).
 * PromQL strings use Go escapes: backslash and double quote are escaped, control characters become \n, \t, \r
 * or \xHH.
 */
export function escapeLabelValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** The value as a complete PromQL string literal, quotes included. */
export function quoteLabelValue(value: string): string {
  return `"${escapeLabelValue(value)}"`;
}

/** Escapes RE2 metacharacters so the value matches literally inside `=~`/`!~` (then quote it with quoteLabelValue). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
