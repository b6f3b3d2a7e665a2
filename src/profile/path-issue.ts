/** A problem at a field path of the document, before positions are attached by load.ts. */
export interface PathIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint?: string;
}

/** Renders `['objectives', 2, 'warning']` as `objectives[2].warning`. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
