/**
 * A temp tree holding every file `generate` writes for the first `count` seeded random specs (random-spec.ts), as
 * the validate ⇒ loadable property tests run promtool and amtool over them.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { seededRandom } from '../../src/backfill/scenario.js';
import { generateProfileFiles } from '../../src/generate/all.js';
import { testFilePath } from '../../src/generate/prometheus/promtool-tests.js';
import { SpecError } from '../../src/profile/errors.js';
import { loadProfileFromTexts } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';
import { randomSpec } from './random-spec.js';

export interface RandomSpecTree {
  /** Temp directory (the caller removes it). */
  readonly root: string;
  readonly profiles: readonly Profile[];
  /** Every objective's promtool test file, relative to root. */
  readonly testFiles: readonly string[];
}

/** Seed of the property tests' random specs. */
export const RANDOM_SPEC_SEED = 20261203;

export async function writeRandomSpecTree(count: number, seed = RANDOM_SPEC_SEED): Promise<RandomSpecTree> {
  const r = seededRandom(seed);
  const root = await mkdtemp(join(tmpdir(), 'agent-slo-random-specs-'));
  const profiles: Profile[] = [];
  for (let i = 0; i < count; i++) {
    const text = stringify(randomSpec(r, i));
    try {
      profiles.push(loadProfileFromTexts([{ file: `random-${String(i)}.yaml`, text }]));
    } catch (err) {
      throw new Error(`random spec ${String(i)} does not validate (fix the spec generator):\n${err instanceof SpecError ? err.message : String(err)}\n${text}`);
    }
  }
  for (const profile of profiles) {
    for (const f of generateProfileFiles({ profile, specPath: `specs/${profile.name}.yaml` })) {
      const target = join(root, f.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, f.content);
    }
  }
  return { root, profiles, testFiles: profiles.flatMap((p) => p.objectives.map((o) => testFilePath(p.name, o.name))) };
}
