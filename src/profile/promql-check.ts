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

const FILL = '5m';

/** Offsets (in the filled text) of the durations that are the range of a range selector or of a subquery. */
function rangeDurations(filled: string): Set<string> {
  const ranges = new Set<string>();
  parser.parse(filled).iterate({
    enter: (node) => {
      if (node.type.name !== 'MatrixSelector' && node.type.name !== 'SubqueryExpr') return;
      // The range is the first DurationExpr child (a subquery's second one is its step).
      for (let child = node.node.firstChild; child !== null; child = child.nextSibling) {
        if (child.type.name === 'DurationExpr') {
          ranges.add(`${String(child.from)}-${String(child.to)}`);
          break;
        }
      }
    },
  });
  return ranges;
}

/** Checks user PromQL with its `{{window}}` placeholder filled in; returns a message or undefined when fine. */
export function checkUserPromql(expr: string): string | undefined {
  if (!expr.includes(WINDOW_PLACEHOLDER)) return `PromQL does not use ${WINDOW_PLACEHOLDER}, so it would give the same value for every window`;
  const filled = expr.replaceAll(WINDOW_PLACEHOLDER, FILL);
  const offset = promqlErrorOffset(filled);
  if (offset !== undefined) {
    const near = filled.slice(Math.max(0, offset - 10), offset + 10);
    return `is not valid PromQL: syntax error at character ${offset + 1} (near "${near}")`;
  }
  // Every placeholder must be a whole range (`[{{window}}]`), not in a comment, a string, an offset or arithmetic.
  const ranges = rangeDurations(filled);
  let shift = 0;
  for (let i = expr.indexOf(WINDOW_PLACEHOLDER); i !== -1; i = expr.indexOf(WINDOW_PLACEHOLDER, i + WINDOW_PLACEHOLDER.length)) {
    const at = i - shift;
    if (!ranges.has(`${String(at)}-${String(at + FILL.length)}`)) {
      return `${WINDOW_PLACEHOLDER} at character ${String(i + 1)} is not the range of a range selector (it is replaced by a duration such as 7d, which is legal only as [${WINDOW_PLACEHOLDER}])`;
    }
    shift += WINDOW_PLACEHOLDER.length - FILL.length;
  }
  return undefined;
}

/** True when `expr` quotes a metric or label name (`{"agent.tasks"}`, `"error.type"="x"`, `by ("a.b")`): Prometheus 3 syntax. */
export function usesQuotedNames(expr: string): boolean {
  let found = false;
  parser.parse(expr.replaceAll(WINDOW_PLACEHOLDER, FILL)).iterate({
    enter: (node) => {
      if (node.type.name === 'QuotedLabelName' || node.type.name === 'QuotedLabelMatcher') found = true;
      return !found;
    },
  });
  return found;
}

