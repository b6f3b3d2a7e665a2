/** The only file I/O of the generators: write generated files under a root, or compare them with what is there. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TreeProbe, writeTreeAtomic } from '../output.js';
import { unifiedDiff } from './diff.js';
import type { GeneratedFile } from './types.js';

export type FileStatus = 'created' | 'updated' | 'unchanged';

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes every file whose content differs, as one atomic change (src/output.ts: a failure leaves the previous tree,
 * symlinks inside the root are refused); reports each file's status through `onFile`.
 */
export async function writeGenerated(
  root: string,
  files: readonly GeneratedFile[],
  onFile: (path: string, status: FileStatus) => void = () => undefined,
  probe?: TreeProbe,
): Promise<Record<FileStatus, number>> {
  const counts: Record<FileStatus, number> = { created: 0, updated: 0, unchanged: 0 };
  const statuses = await writeTreeAtomic(root, files, probe);
  files.forEach((f, i) => {
    const status = statuses[i]!;
    counts[status]++;
    onFile(f.path, status);
  });
  return counts;
}

export interface StaleFile {
  readonly path: string;
  readonly reason: 'missing' | 'differs';
  readonly diff: string;
}

/** Compares generated files with the files under `root`; returns the stale ones with a unified diff each. */
export async function checkGenerated(root: string, files: readonly GeneratedFile[], onFile: (path: string, ok: boolean) => void = () => undefined): Promise<StaleFile[]> {
  const stale: StaleFile[] = [];
  for (const f of files) {
    const current = await readIfExists(join(root, f.path));
    if (current === f.content) {
      onFile(f.path, true);
      continue;
    }
    stale.push({ path: f.path, reason: current === undefined ? 'missing' : 'differs', diff: unifiedDiff(f.path, current, f.content) });
    onFile(f.path, false);
  }
  return stale;
}
