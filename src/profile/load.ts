/**
 * Loading in stages: read → parse YAML (positions kept) → wire shape (zod) → model → semantic checks. Every stage
 * reports all of its problems with file, line:column, field path and a fix; a SpecError carries them all.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { SpecError, SpecInputError, type SpecIssue } from './errors.js';
import { mapProfileV1 } from './map.js';
import type { Profile } from './model.js';
import { formatPath, type PathIssue } from './path-issue.js';
import { API_VERSION_V1, profileSchemaV1, type ProfileWireV1 } from './schema.js';
import { readSpecInput, STDIN_NAME } from './read.js';
import { validateProfile, validateText } from './validate.js';
import { wellFormedPart } from './well-formed.js';

/** One parsed YAML document with what is needed to point at its fields. */
interface Source {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The document as plain data (aliases expanded within the limit). */
  readonly value: unknown;
}

type Path = readonly (string | number)[];

function position(source: Pick<Source, 'lines'>, offset: number): { line: number; column: number } {
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** The node at `path`, or the deepest existing ancestor (with `exact` false). */
function locate(source: Source, path: Path, key = false): { node: YamlNode | undefined; exact: boolean } {
  let node: unknown = source.doc.contents;
  let exact = true;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
      if (pair === undefined) {
        exact = false;
        break;
      }
      node = key && i === path.length - 1 ? pair.key : pair.value;
    } else if (isSeq(node) && typeof part === 'number' && node.items[part] !== undefined) {
      node = node.items[part];
    } else {
      exact = false;
      break;
    }
  }
  return { node: (node ?? undefined) as YamlNode | undefined, exact };
}

/**
 * Where a resolved objective field may have come from: the objective itself, or the profile defaults it inherited.
 * Lets a problem found in the model point at the line that set the value.
 */
function candidatePaths(path: Path): Path[] {
  const out: Path[] = [path];
  if (path[0] !== 'objectives' || typeof path[1] !== 'number') return out;
  const rest = path.slice(2);
  const field = rest[0];
  if (field === 'windows') out.push(['defaults', ...rest]);
  else if (field === 'owner' || field === 'team' || field === 'channel') out.push(['defaults', 'routing', ...rest]);
  else if (field === 'errorBudget') out.push(['defaults', ...rest]);
  return out;
}

function issueAt(sources: readonly Source[], path: Path, message: string, hint?: string, key = false): SpecIssue {
  let best: { source: Source; node: YamlNode | undefined; path: Path } | undefined;
  search: for (const candidate of candidatePaths(path)) {
    for (const source of [...sources].reverse()) {
      const found = locate(source, candidate, key);
      if (found.exact) {
        best = { source, node: found.node, path: candidate };
        break search;
      }
      best ??= { source, node: found.node, path };
    }
  }
  const source = best?.source ?? sources[0];
  const range = best?.node?.range;
  const where = source !== undefined && range !== undefined && range !== null ? position(source, range[0]) : { line: 0, column: 0 };
  const base = { file: source?.file ?? '<unknown>', line: where.line, column: where.column, path: formatPath(best?.path ?? path), message };
  return hint === undefined ? base : { ...base, hint };
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${value}`;
  return typeof value;
}

const TYPE_WORDS: Record<string, string> = { array: 'list', object: 'mapping', number: 'number', string: 'string', boolean: 'boolean (true or false)' };

function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[part];
  }
  return v;
}

function closest(word: string, options: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
    return d[a.length]![b.length]!;
  };
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dist = distance(word.toLowerCase(), o.toLowerCase());
    if (dist < bestD) {
      best = o;
      bestD = dist;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function allowedKeys(schema: z.ZodType, path: Path): string[] {
  let s: unknown = schema;
  const unwrap = (x: unknown): unknown => {
    let cur = x as { def?: { type?: string; innerType?: unknown; element?: unknown; shape?: unknown } };
    while (cur?.def?.type === 'optional' || cur?.def?.type === 'nullable' || cur?.def?.type === 'default') cur = cur.def.innerType as typeof cur;
    return cur;
  };
  for (const part of path) {
    const cur = unwrap(s) as { def?: { type?: string; element?: unknown; shape?: Record<string, unknown> } };
    if (cur?.def?.type === 'array' && typeof part === 'number') s = cur.def.element;
    else if (cur?.def?.type === 'object' && typeof part === 'string') s = cur.def.shape?.[part];
    else return [];
  }
  const cur = unwrap(s) as { def?: { type?: string; shape?: Record<string, unknown> } };
  return cur?.def?.type === 'object' ? Object.keys(cur.def.shape ?? {}) : [];
}

function zodIssues(error: z.ZodError, root: unknown, sources: readonly Source[]): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const actual = valueAt(root, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const options = allowedKeys(profileSchemaV1, path);
          const guess = closest(key, options);
          out.push(
            issueAt(
              sources,
              [...path, key],
              `unknown field "${key}"`,
              guess === undefined ? `remove it; allowed here: ${options.join(', ')}` : `did you mean "${guess}"? allowed here: ${options.join(', ')}`,
              true,
            ),
          );
        }
        break;
      case 'invalid_type': {
        const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
        const field = String(path[path.length - 1] ?? 'value');
        if (actual === undefined) out.push(issueAt(sources, path, `is required but missing`, `add ${field}: <${expected}>`));
        else out.push(issueAt(sources, path, `expected ${expected}, got ${describeValue(actual)}`, `write a ${expected}`));
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
        const last = path[path.length - 1];
        if (actual === undefined) {
          out.push(issueAt(sources, path, 'is required but missing', `add ${String(last)}: ${issue.values.map(String).join(' | ')}`));
        } else if (last === 'apiVersion') {
          out.push(issueAt(sources, path, `unsupported apiVersion ${describeValue(actual)}`, `write apiVersion: ${API_VERSION_V1}`));
        } else {
          const guess = typeof actual === 'string' ? closest(actual, issue.values.map(String)) : undefined;
          out.push(issueAt(sources, path, `${describeValue(actual)} is not allowed`, `${guess === undefined ? '' : `did you mean "${guess}"? `}write one of ${values}`));
        }
        break;
      }
      case 'invalid_format':
        out.push(issueAt(sources, path, `${describeValue(actual)} ${issue.message}`, 'fix the spelling'));
        break;
      case 'too_small':
      case 'too_big': {
        const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
        const cmp = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
        if (issue.origin === 'array') {
          const n = Array.isArray(actual) ? actual.length : 0;
          out.push(issueAt(sources, path, `has ${n} entr${n === 1 ? 'y' : 'ies'}`, `write ${cmp} ${bound} entries`));
        } else if (issue.origin === 'string') {
          out.push(issueAt(sources, path, `${describeValue(actual)} is too ${issue.code === 'too_small' ? 'short' : 'long'}`, `write ${cmp} ${bound} characters`));
        } else {
          out.push(issueAt(sources, path, `${describeValue(actual)} is out of range`, `write a value ${cmp} ${bound}`));
        }
        break;
      }
      default:
        out.push(issueAt(sources, path, issue.message));
    }
  }
  return out;
}

function fromPathIssues(issues: readonly PathIssue[], sources: readonly Source[]): SpecIssue[] {
  return issues.map((i) => issueAt(sources, i.path, i.message, i.hint));
}

/** Alias expansions allowed in one document (the yaml library's resource-exhaustion guard). */
const MAX_ALIAS_COUNT = 100;
/** Flow collections nested deeper than this are refused before parsing (the parser recurses per level). */
const MAX_FLOW_DEPTH = 64;

/**
 * An upper bound on the nesting of flow collections ([ ] and { }) in a YAML text. Brackets inside quotes and
 * comments count too: a legitimate spec never comes near the limit, and a scanner that guessed where quotes end
 * could be led to skip a real bomb.
 */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const c of text) {
    if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return max;
}

/**
 * Parses a YAML stream of several documents (e.g. OpenSLO files) as plain data, with the same guards as a spec:
 * binary content, nesting depth, syntax errors and alias expansion each give an issue instead of a throw.
 */
export function parseYamlDocuments(file: string, text: string): { values: unknown[]; issues: SpecIssue[] } {
  const whole = (message: string, hint: string): SpecIssue => ({ file, line: 0, column: 0, path: '', message, hint });
  if (text.includes('\u0000') || text.includes('\uFFFD')) return { values: [], issues: [whole('is not a text file (binary content)', 'give a YAML file')] };
  const depth = flowDepth(text);
  if (depth > MAX_FLOW_DEPTH) return { values: [], issues: [whole(`nests [ ] or { } ${depth} levels deep`, `at most ${MAX_FLOW_DEPTH} levels`)] };
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const issues: SpecIssue[] = [];
  for (const doc of list) {
    for (const e of doc.errors) {
      const where = position({ lines }, e.pos[0]);
      issues.push({ file, line: where.line, column: where.column, path: '', message: `is not valid YAML: ${e.message.split('\n')[0] ?? e.code}`, hint: 'fix the YAML syntax (indentation, quotes, colons)' });
    }
  }
  if (issues.length > 0) return { values: [], issues };
  const values: unknown[] = [];
  for (const doc of list) {
    try {
      if (doc.contents !== null) values.push(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      return { values: [], issues: [whole('expands YAML aliases too far (an alias bomb?)', `expand aliases by hand (at most ${MAX_ALIAS_COUNT} alias expansions)`)] };
    }
  }
  return { values, issues };
}

/** Parses one YAML text; returns the source or file-level issues. */
export function parseYaml(file: string, text: string): { source?: Source; issues: SpecIssue[] } {
  const whole = (message: string, hint?: string): SpecIssue => (hint === undefined ? { file, line: 0, column: 0, path: '', message } : { file, line: 0, column: 0, path: '', message, hint });
  if (text.includes('\u0000') || text.includes('\uFFFD')) return { issues: [whole('is not a text file (binary content)', 'give a YAML spec file')] };
  if (text.trim() === '') return { issues: [whole('is empty', `start with apiVersion: ${API_VERSION_V1}`)] };
  const depth = flowDepth(text);
  if (depth > MAX_FLOW_DEPTH) return { issues: [whole(`nests [ ] or { } ${depth} levels deep`, `a spec nests at most ${MAX_FLOW_DEPTH} levels; write the structure out`)] };
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs) || docs.length === 0 || (docs.length === 1 && docs[0]?.contents === null && docs[0].errors.length === 0)) {
    return { issues: [whole('contains no YAML document (only comments or blank lines)', `start with apiVersion: ${API_VERSION_V1}`)] };
  }
  if (docs.length !== 1) {
    return { issues: [whole(`contains ${docs.length} YAML documents`, 'put one profile in each file (remove the --- separators)')] };
  }
  const doc = docs[0]!;
  const errors = [...doc.errors];
  if (errors.length > 0) {
    return {
      issues: errors.map((e) => {
        const where = position({ lines }, e.pos[0]);
        return { file, line: where.line, column: where.column, path: '', message: `is not valid YAML: ${e.message.split('\n')[0] ?? e.code}`, hint: 'fix the YAML syntax (indentation, quotes, colons)' };
      }),
    };
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml library throws a ReferenceError when aliases expand past maxAliasCount (a "billion laughs" document).
    if (!(err instanceof ReferenceError)) throw err;
    return { issues: [whole('expands YAML aliases too far (an alias bomb?)', `a spec needs few aliases; expand them by hand (at most ${MAX_ALIAS_COUNT} alias expansions)`)] };
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { issues: [{ file, line: 1, column: 1, path: '', message: `must be a mapping, got ${describeValue(root)}`, hint: `start with apiVersion: ${API_VERSION_V1}` }] };
  }
  return { source: { file, doc, lines, value: root }, issues: [] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge for environment overlays: mappings merge, objectives merge by name, everything else is replaced. */
export function mergeOverlay(base: unknown, overlay: unknown, key?: string): unknown {
  if (key === 'objectives' && Array.isArray(base) && Array.isArray(overlay)) {
    const out: unknown[] = [...(base as unknown[])];
    for (const o of overlay) {
      const name = isObject(o) ? o.name : undefined;
      const i = out.findIndex((b) => isObject(b) && b.name === name);
      if (i >= 0) out[i] = mergeOverlay(out[i], o);
      else out.push(o);
    }
    return out;
  }
  if (isObject(base) && isObject(overlay)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(overlay)) out[k] = k in base ? mergeOverlay(base[k], v, k) : v;
    return out;
  }
  return overlay;
}

/** Builds and checks a profile from texts already read (the base file, then overlays in order). */
export function loadProfileFromTexts(inputs: readonly { file: string; text: string }[]): Profile {
  const sources: Source[] = [];
  const issues: SpecIssue[] = [];
  for (const { file, text } of inputs) {
    const parsed = parseYaml(file, text);
    issues.push(...parsed.issues);
    if (parsed.source !== undefined) sources.push(parsed.source);
  }
  if (issues.length > 0) throw new SpecError(issues);
  const merged = sources.map((s) => s.value).reduce((acc, next) => mergeOverlay(acc, next));
  const files = inputs.map((i) => i.file);
  const shape = profileSchemaV1.safeParse(merged);
  if (!shape.success) {
    // Shape problems first, then the semantic problems of what is well-formed: one run reports everything.
    const issues = zodIssues(shape.error, merged, sources);
    const part = wellFormedPart(merged, profileSchemaV1);
    if (part !== undefined) {
      const repaired = part.repaired.map((p) => formatPath(p));
      const semantic = commonIssues(part.variants.map((wire) => semanticIssues(wire, files))).map((i) => renumberObjectives(i, part.objectiveIndex));
      const related = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
      const fresh = fromPathIssues(semantic, sources).filter((i) => !repaired.some((r) => related(i.path, r) || related(r, i.path)));
      issues.push(...fresh);
    }
    throw new SpecError(issues);
  }
  const { profile, issues: mapIssues } = mapProfileV1(shape.data, files);
  const all = fromPathIssues([...validateText(shape.data), ...mapIssues, ...validateProfile(profile)], sources);
  if (all.length > 0) throw new SpecError(all);
  return profile;
}

/** Mapping and semantic problems of a shape-valid document. */
function semanticIssues(wire: ProfileWireV1, files: readonly string[]): PathIssue[] {
  const { profile, issues } = mapProfileV1(wire, files);
  return [...validateText(wire), ...issues, ...validateProfile(profile)];
}

/** The issues found in every one of `lists` (the problems that hold whatever value a placeholder stands for). */
function commonIssues(lists: readonly (readonly PathIssue[])[]): PathIssue[] {
  const key = (i: PathIssue): string => JSON.stringify([i.path, i.message, i.hint ?? '']);
  const [first = [], ...rest] = lists;
  const others = rest.map((l) => new Set(l.map(key)));
  return first.filter((i) => others.every((o) => o.has(key(i))));
}

/** Rewrites `objectives[j]` (index in a partial document) to the objective's index in the file. */
function renumberObjectives(issue: PathIssue, objectiveIndex: readonly number[]): PathIssue {
  const to = (j: number): number => objectiveIndex[j] ?? j;
  const path = issue.path[0] === 'objectives' && typeof issue.path[1] === 'number' ? ['objectives', to(issue.path[1]), ...issue.path.slice(2)] : issue.path;
  return { ...issue, path, message: issue.message.replace(/objectives\[(\d+)\]/g, (_, j: string) => `objectives[${to(Number(j))}]`) };
}

/** Reads, parses and checks a profile file and its environment overlays. Throws SpecError listing every problem. */
export async function loadProfile(file: string, overlays: readonly string[] = []): Promise<Profile> {
  const inputs: { file: string; text: string }[] = [];
  const issues: SpecIssue[] = [];
  let missing = false;
  for (const f of [file, ...overlays]) {
    const shown = f === '-' ? STDIN_NAME : f;
    const read = await readSpecInput(f);
    if (read.ok) inputs.push({ file: shown, text: read.bytes.includes(0) ? '\u0000' : read.bytes.toString('utf8') });
    else {
      missing ||= read.kind === 'missing';
      issues.push({ file: shown, line: 0, column: 0, path: '', message: read.message, hint: read.hint });
    }
  }
  if (issues.length > 0) throw missing ? new SpecInputError(issues) : new SpecError(issues);
  return loadProfileFromTexts(inputs);
}
