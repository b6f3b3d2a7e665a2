/**
 * Escaping, one home: PromQL string literals and regexes, the Prometheus text exposition format and OpenMetrics,
 * Go text/template (alert labels and annotations, Alertmanager receiver fields) and YAML comment lines.
 */

/**
 * Escapes a value for a double-quoted PromQL string literal (label matcher values, `label_replace` arguments).
 * PromQL strings use Go escapes: backslash and double quote are escaped, control characters become \n, \t, \r
 * or \xHH.
 */
export function escapePromqlString(value: string): string {
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
export function quotePromqlString(value: string): string {
  return `"${escapePromqlString(value)}"`;
}

/** Escapes RE2 metacharacters so the value matches literally inside `=~`/`!~` (then quote it with quotePromqlString); also right for a JS RegExp. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** A label value in the text exposition format (0.0.4) and in OpenMetrics: backslash, double quote and newline. */
export function escapeExpositionLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text in the text exposition format (0.0.4): backslash and newline (double quotes stay as they are). */
export function escapeExpositionHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** HELP text in OpenMetrics: escaped like a label value (backslash, double quote, newline). */
export const escapeOpenMetricsHelp = escapeExpositionLabelValue;

/** The Go template action that prints a literal `{`. */
const LITERAL_BRACE = '{{"{"}}';

/**
 * `text` as template source that prints `text` unchanged: every `{` that could open an action (followed by `{`,
 * or last, where generated template text may follow) becomes `{{"{"}}`.
 */
export function goTemplateLiteral(text: string): string {
  return text.replace(/\{(?=\{|$)/g, LITERAL_BRACE);
}

/** What Prometheus prints for text made by goTemplateLiteral (the generated promtool tests expect it). */
export function expandGoTemplateLiterals(source: string): string {
  return source.replaceAll(LITERAL_BRACE, '{');
}

/**
 * `text` as one line of a YAML `#` comment: line breaks (YAML's and go-yaml's: CR, LF, NEL, LS, PS) and other
 * control characters become spaces, so a title cannot end the comment and inject YAML.
 */
export function commentLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

/** Text for HTML and SVG element content and double-quoted attribute values (the review's HTML output). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
