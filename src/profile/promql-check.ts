import { parser } from '@prometheus-io/lezer-promql';

/** The placeholder user PromQL writes where agent-slo puts the window (`[{{window}}]`). */
export const WINDOW_PLACEHOLDER = '{{window}}';

/** Returns the 0-based offset of the first syntax error in `expr`, or undefined when it parses. */
export function promqlErrorOffset(expr: string): number | undefined {
  if (expr.trim() === '') return 0;
  const tree = parser.parse(expr);
  let offset: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (offset !== undefined) return false;
      if (node.type.isError) {
        offset = node.from;
        return false;
      }
      return undefined;
    },
  });
  return offset;
}

/** Checks user PromQL with its `{{window}}` placeholder filled in; returns a message or undefined when fine. */
export function checkUserPromql(expr: string): string | undefined {
  if (!expr.includes(WINDOW_PLACEHOLDER)) return `PromQL does not use ${WINDOW_PLACEHOLDER}, so it would give the same value for every window`;
  const filled = expr.replaceAll(WINDOW_PLACEHOLDER, '5m');
  const offset = promqlErrorOffset(filled);
  if (offset === undefined) return undefined;
  const near = filled.slice(Math.max(0, offset - 10), offset + 10);
  return `is not valid PromQL: syntax error at character ${offset + 1} (near "${near}")`;
}
