/** One problem found in a spec file, with where it is and what to write instead. */
export interface SpecIssue {
  readonly file: string;
  /** 1-based line, 0 when the problem concerns the whole file. */
  readonly line: number;
  /** 1-based column, 0 when the problem concerns the whole file. */
  readonly column: number;
  /** Field path such as `objectives[2].warning.threshold`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
  /** What to write instead. */
  readonly hint?: string;
}

/** Formats an issue the way compilers do: `file:line:col: path: message (hint)`. */
export function formatIssue(issue: SpecIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const field = issue.path === '' ? '' : `${issue.path}: `;
  const hint = issue.hint === undefined ? '' : `\n    fix: ${issue.hint}`;
  return `${where}: ${field}${issue.message}${hint}`;
}

/** A spec that cannot be used; carries every problem found, not only the first. */
export class SpecError extends Error {
  override readonly name: string = 'SpecError';
  readonly issues: readonly SpecIssue[];

  constructor(all: readonly SpecIssue[]) {
    // One problem reached twice (a defaults field inherited by every objective) is reported once.
    const seen = new Set<string>();
    const issues = all.filter((i) => {
      const key = formatIssue(i);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const first = issues[0];
    const head = first === undefined ? 'invalid spec' : formatIssue(first);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`${head}${more}`);
    this.issues = issues;
  }

  /** Every issue, one per line (hints on their own indented line). */
  format(): string {
    return this.issues.map(formatIssue).join('\n');
  }
}

/** A spec input that could not be opened or read at all (missing file, no permission): exits apart from an invalid spec. */
export class SpecInputError extends SpecError {
  override readonly name = 'SpecInputError';
}
