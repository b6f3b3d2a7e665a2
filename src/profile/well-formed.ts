/**
 * The well-formed part of a document whose shape check failed, so that the semantic checks still run and one
 * `validate` reports every problem (not the shape problems first and the others on the next run). Objectives with
 * a broken field is removed (its parent when the field is required; an objective left without a required field
 * is left out, the original index of each kept one is returned); required top-level fields get a placeholder.
 */
import type { z } from 'zod';
import { API_VERSION_V1, KIND_PROFILE, type ProfileWireV1 } from './schema.js';

type Path = readonly (string | number)[];

export interface WellFormedPart {
  readonly wire: ProfileWireV1;
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

/** The part of `doc` that passes `schema`, or undefined when nothing useful is left (no objective, no mapping). */
export function wellFormedPart(doc: unknown, schema: z.ZodType<ProfileWireV1>): WellFormedPart | undefined {
  if (!isRecord(doc) || Array.isArray(doc) || !Array.isArray(doc.objectives)) return undefined;
  const root = structuredClone(doc);
  const objectives = root.objectives as unknown[];
  const dropped = new Set<number>();
  const repaired: Path[] = [];
  const touched = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const objectiveIndex = objectives.map((_, i) => i).filter((i) => !dropped.has(i));
    if (objectiveIndex.length === 0) return undefined;
    const candidate = { ...root, objectives: objectiveIndex.map((i) => objectives[i]) };
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return { wire: parsed.data, objectiveIndex, repaired };
    for (const issue of parsed.error.issues) {
      // Back to the document's coordinates (the candidate leaves dropped objectives out).
      const at = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const path: Path = at[0] === 'objectives' && typeof at[1] === 'number' ? ['objectives', objectiveIndex[at[1]]!, ...at.slice(2)] : at;
      const paths: Path[] = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...path, k]) : [path];
      for (let p of paths) {
        // A field removed before that is reported again is required: remove its parent instead.
        while (touched.has(p.join('.')) && p.length > 1) p = p.slice(0, -1);
        const key = p.join('.');
        if (p.length === 0 || key === 'objectives') return undefined;
        touched.add(key);
        repaired.push(p);
        if (p[0] === 'objectives' && p.length === 2) {
          dropped.add(p[1] as number);
          continue;
        }
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
