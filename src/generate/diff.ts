/** A small unified diff (line LCS, 3 lines of context) for `generate --check`. Pure. */

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  // Trim the common prefix/suffix first: generated files usually differ in a few places.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: ' ', line }));
  if (n * m > 25_000_000) {
    for (let i = start; i < endA; i++) ops.push({ kind: '-', line: a[i]! });
    for (let j = start; j < endB; j++) ops.push({ kind: '+', line: b[j]! });
  } else {
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ kind: ' ', line: a[start + i]! });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!)) {
        ops.push({ kind: '-', line: a[start + i]! });
        i++;
      } else {
        ops.push({ kind: '+', line: b[start + j]! });
        j++;
      }
    }
  }
  for (let i = endA; i < a.length; i++) ops.push({ kind: ' ', line: a[i]! });
  return ops;
}

/** Unified diff from `before` (committed) to `after` (regenerated); '' when equal. */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined, context = 3): string {
  if (before === after) return '';
  const a = before === undefined ? [] : before.split('\n');
  const b = after === undefined ? [] : after.split('\n');
  const ops = lineOps(a, b);
  const out = [`--- ${before === undefined ? '/dev/null' : `a/${path}`}`, `+++ ${after === undefined ? '/dev/null' : `b/${path}`}`];
  const changed = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  let k = 0;
  while (k < changed.length) {
    const first = changed[k]!;
    let last = first;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * context) last = changed[++k]!;
    k++;
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    let lineA = 1;
    let lineB = 1;
    for (let i = 0; i < from; i++) {
      if (ops[i]!.kind !== '+') lineA++;
      if (ops[i]!.kind !== '-') lineB++;
    }
    const hunk = ops.slice(from, to + 1);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${String(lineA)},${String(countA)} +${String(lineB)},${String(countB)} @@`, ...hunk.map((o) => `${o.kind}${o.line}`));
  }
  return out.join('\n');
}
