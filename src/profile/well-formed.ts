/**
 * The well-formed part of a document whose shape check failed, so that the semantic checks still run and one
 * `validate` reports every problem (not the shape problems first and the others on the next run). A broken field is
 * removed (its parent when the field is required); required top-level fields get a placeholder. A broken required
 * field of an objective (name, direction, unit, target, critical, sli) is replaced by each value it could have
 * (`variants`): the caller keeps the semantic problems found under every one of them, i.e. the problems that hold
 * whatever the field will be. An objective with too many such combinations is left out (the original index of each
 * kept one is returned).
 */
import type { z } from 'zod';
import { API_VERSION_V1, KIND_PROFILE, type ProfileWireV1 } from './schema.js';

type Path = readonly (string | number)[];

export interface WellFormedPart {
  readonly wire: ProfileWireV1;
  /** `wire` with every combination of the placeholders of broken required objective fields (`wire` is the first). */
  readonly variants: readonly ProfileWireV1[];
  /** objectiveIndex[j] = index in the document of the j-th objective of `wire`. */
  readonly objectiveIndex: readonly number[];
  /** Paths removed or replaced: semantic problems at, above or under them repeat a shape problem. */
  readonly repaired: readonly Path[];
}

/** Placeholders for required top-level fields: valid, and never the subject of a semantic check. */
const PLACEHOLDERS: Record<string, unknown> = {
  apiVersion: API_VERSION_V1,
  kind: KIND_PROFILE,
  metadata: { name: 'invalid', service: 'invalid' },
  'metadata.name': 'invalid',
  'metadata.service': 'invalid',
};

function isRecord(v: unknown): v is Record<string | number, unknown> {
  return v !== null && typeof v === 'object';
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let v: unknown = root;
  for (const part of path.slice(0, -1)) {
    if (!isRecord(v)) return undefined;
    v = v[part];
  }
  return isRecord(v) ? v : undefined;
}

const MAX_ROUNDS = 16;
/** Combinations of placeholder values per objective beyond which the objective is left out instead. */
const MAX_VARIANTS = 64;

type Candidates = (objective: Record<string | number, unknown>, index: number) => readonly unknown[];

/** Numbers a broken target or critical threshold is tried with: 0, 1 and the objective's other levels. */
function levelNumbers(o: Record<string | number, unknown>): number[] {
  const levels = [o.target, isRecord(o.warning) ? o.warning.threshold : undefined, isRecord(o.critical) ? o.critical.threshold : undefined];
  return [...new Set([0, 1, ...levels.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))])];
}

/** One minimal SLI of each kind and recorded unit: whatever SLI is meant, one of them makes the same checks pass. */
const SLI_CANDIDATES: readonly unknown[] = [
  { ratio: { good: { signal: 'tasks_succeeded' }, total: { signal: 'tasks' } } },
  { quantile: { histogram: { signal: 'response_latency' }, quantile: 0.95 } },
  { quantile: { histogram: { signal: 'execution_memory' }, quantile: 0.95 } },
  { average: { histogram: { signal: 'response_latency' } } },
  { average: { histogram: { signal: 'execution_memory' } } },
  { perEvent: { value: { signal: 'task_cost_usd' }, events: { signal: 'tasks' } } },
  { zeroTolerance: { events: { signal: 'integrity_failures' } } },
];

/** Every value a broken required objective field is tried with. */
const OBJECTIVE_FIELD_CANDIDATES: Readonly<Record<string, Candidates>> = {
  name: (_, i) => [`unnamed_objective_${String(i)}`],
  direction: () => ['higher_is_better', 'lower_is_better'],
  unit: () => ['ratio', 's', 'ms', 'By', 'MB', 'GB', 'USD', 'events'],
  target: (o) => levelNumbers(o),
  critical: (o) => levelNumbers(o).map((threshold) => ({ threshold })),
  sli: () => SLI_CANDIDATES,
};

/** Every combination of one value per field (the cartesian product), or undefined when there are more than `max`. */
function combinations(fields: readonly { field: string; values: readonly unknown[] }[], max: number): Record<string, unknown>[] | undefined {
  let out: Record<string, unknown>[] = [{}];
  for (const { field, values } of fields) {
    if (out.length * values.length > max) return undefined;
    out = out.flatMap((c) => values.map((v) => ({ ...c, [field]: v })));
  }
  return out;
}

/** The part of `doc` that passes `schema`, or undefined when nothing useful is left (no objective, no mapping). */
export function wellFormedPart(doc: unknown, schema: z.ZodType<ProfileWireV1>): WellFormedPart | undefined {
  if (!isRecord(doc) || Array.isArray(doc) || !Array.isArray(doc.objectives)) return undefined;
  const root = structuredClone(doc);
  const objectives = root.objectives as unknown[];
  const dropped = new Set<number>();
  const repaired: Path[] = [];
  const touched = new Set<string>();
  /** Broken required fields given placeholders, by objective index. */
  const unknown = new Map<number, Set<string>>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const objectiveIndex = objectives.map((_, i) => i).filter((i) => !dropped.has(i));
    if (objectiveIndex.length === 0) return undefined;
    const candidate = { ...root, objectives: objectiveIndex.map((i) => objectives[i]) };
    const parsed = schema.safeParse(candidate);
    if (parsed.success) {
      const variants = placeholderVariants(parsed.data, objectiveIndex, unknown);
      if (typeof variants === 'number') {
        dropped.add(variants);
        continue;
      }
      return { wire: parsed.data, variants: [parsed.data, ...variants], objectiveIndex, repaired };
    }
    for (const issue of parsed.error.issues) {
      // Back to the document's coordinates (the candidate leaves dropped objectives out).
      const at = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const path: Path = at[0] === 'objectives' && typeof at[1] === 'number' ? ['objectives', objectiveIndex[at[1]]!, ...at.slice(2)] : at;
      const paths: Path[] = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...path, k]) : [path];
      for (let p of paths) {
        // A field removed before that is reported again is required: remove its parent instead.
        let child: Path | undefined;
        while (touched.has(p.join('.')) && p.length > 1) {
          child = p;
          p = p.slice(0, -1);
        }
        const key = p.join('.');
        if (p.length === 0 || key === 'objectives') return undefined;
        touched.add(key);
        if (p[0] === 'objectives' && p.length === 2) {
          const i = p[1] as number;
          const field = child?.[2];
          const candidates = typeof field === 'string' ? OBJECTIVE_FIELD_CANDIDATES[field] : undefined;
          const objective = objectives[i];
          if (candidates !== undefined && isRecord(objective) && !unknown.get(i)?.has(field as string)) {
            // A required objective field: the first value it could have stands in (the others: placeholderVariants).
            objective[field as string] = structuredClone(candidates(objective, i)[0]);
            unknown.set(i, new Set([...(unknown.get(i) ?? []), field as string]));
            touched.delete(key);
            repaired.push(child!);
            continue;
          }
          repaired.push(p);
          dropped.add(i);
          continue;
        }
        repaired.push(p);
        const parent = parentOf(root, p);
        if (key in PLACEHOLDERS) {
          if (parent !== undefined) parent[p[p.length - 1]!] = structuredClone(PLACEHOLDERS[key]);
        } else if (parent !== undefined) {
          delete parent[p[p.length - 1]!];
        }
      }
    }
  }
  return undefined;
}

/**
 * The document with every other combination of placeholder values (the first combination is the document itself),
 * one objective at a time, the others keeping their first values; or the index of an objective with more than
 * MAX_VARIANTS combinations (to be left out).
 */
function placeholderVariants(wire: ProfileWireV1, objectiveIndex: readonly number[], unknown: ReadonlyMap<number, ReadonlySet<string>>): ProfileWireV1[] | number {
  const out: ProfileWireV1[] = [];
  for (const [i, fields] of unknown) {
    const j = objectiveIndex.indexOf(i);
    const objective = wire.objectives[j];
    if (j < 0 || objective === undefined) continue;
    const combos = combinations([...fields].map((field) => ({ field, values: OBJECTIVE_FIELD_CANDIDATES[field]!(objective, i) })), MAX_VARIANTS);
    if (combos === undefined) return i;
    // Every candidate value passes the schema (they are written to), so a variant is the parsed document with them.
    for (const combo of combos.slice(1)) out.push({ ...wire, objectives: wire.objectives.map((o, k) => (k === j ? { ...o, ...structuredClone(combo) } : o)) });
  }
  return out;
}
