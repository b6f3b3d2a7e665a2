/**
 * Atomic file output: every file is written to a temporary file in its target directory and renamed over the
 * target, so a reader (or a failure) never sees half a file; a tree is written temp-first, renamed only when every
 * file is written, so a failure leaves the previous tree as it was. Symbolic links at file paths (or directories)
 * inside the output root are refused (a link could point anywhere); the root itself may be a link and is followed.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, realpath, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describeErrno } from './errno.js';

/** An output path that cannot be written: `path` says which, `kind` whether the path or the I/O is at fault. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly kind: 'path' | 'io',
    /** The system error code of an 'io' failure (ENOSPC, EACCES…), for the exit code. */
    readonly code?: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export interface OutputFile {
  /** Relative to the root, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

export interface WriteOptions {
  /** File mode of new files (e.g. 0o600 for files holding secrets). */
  readonly mode?: number;
}

function ioError(path: string, err: unknown): OutputError {
  const code = (err as NodeJS.ErrnoException).code;
  return new OutputError(path, `cannot write: ${code !== undefined ? describeErrno(code) : String(err)}`, 'io', code);
}

async function lstatOrUndefined(path: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(path, err);
  }
}

/**
 * Refuses a symbolic link or a directory at `target` (shown as `shown`). Returns true for a device, FIFO or socket
 * (/dev/stdout, /dev/full, a named pipe): those are written in place, never replaced by a rename.
 */
async function checkFileTarget(target: string, shown: string): Promise<boolean> {
  const s = await lstatOrUndefined(target);
  if (s?.isSymbolicLink() === true) throw new OutputError(shown, 'is a symbolic link: refusing to write through it (remove it, or write elsewhere)', 'path');
  if (s?.isDirectory() === true) throw new OutputError(shown, 'is a directory', 'path');
  return s !== undefined && !s.isFile();
}

/** Writes `content` to a fresh temp file beside `target` and returns its path. */
async function writeTemp(target: string, content: string, mode: number | undefined): Promise<string> {
  const tmp = join(dirname(target), `.${randomBytes(6).toString('hex')}.agent-slo.tmp`);
  try {
    const h = await open(tmp, 'wx', mode ?? 0o644);
    try {
      await h.writeFile(content, 'utf8');
      await h.sync();
    } finally {
      await h.close();
    }
  } catch (err) {
    await rm(tmp, { force: true });
    throw ioError(target, err);
  }
  return tmp;
}

/** Writes one file atomically (temp file in its directory, then rename). Refuses a symlink at `file`. */
export async function writeFileAtomic(file: string, content: string, opts: WriteOptions = {}): Promise<void> {
  if (await checkFileTarget(file, file)) {
    try {
      await writeFile(file, content, 'utf8');
    } catch (err) {
      throw ioError(file, err);
    }
    return;
  }
  const tmp = await writeTemp(file, content, opts.mode);
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw ioError(file, err);
  }
}

/** Test seam: called after each temp file of a tree is written (a throw simulates a failure there). */
export type TreeProbe = (written: number) => void;

/**
 * Writes `files` under `root` as one change: directories and temp files first, then every rename. Any failure
 * before the renames removes the temp files and the directories it created: the tree is as it was. Files whose
 * content is unchanged are not touched. Returns, per file, whether it was created, updated or unchanged.
 */
export async function writeTreeAtomic(root: string, files: readonly OutputFile[], probe: TreeProbe = () => undefined): Promise<('created' | 'updated' | 'unchanged')[]> {
  const base = await realpath(resolve(root)).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw ioError(root, err);
    await mkdir(resolve(root), { recursive: true }).catch((e: unknown) => {
      throw ioError(root, e);
    });
    return realpath(resolve(root));
  });
  const rootStat = await lstatOrUndefined(base);
  if (rootStat?.isDirectory() !== true) throw new OutputError(root, 'is not a directory', 'path');
  const createdDirs: string[] = [];
  const temps: { tmp: string; target: string }[] = [];
  const status: ('created' | 'updated' | 'unchanged')[] = [];
  try {
    for (const f of files) {
      const target = join(base, ...f.path.split('/'));
      if (relative(base, target).startsWith(`..${sep}`) || relative(base, target) === '..') throw new OutputError(f.path, 'leaves the output directory', 'path');
      // Every directory below the root must be a real directory (not a link elsewhere).
      let dir = base;
      for (const part of f.path.split('/').slice(0, -1)) {
        dir = join(dir, part);
        const s = await lstatOrUndefined(dir);
        if (s === undefined) {
          await mkdir(dir).catch((e: unknown) => {
            throw ioError(join(root, relative(base, dir)), e);
          });
          createdDirs.push(dir);
        } else if (s.isSymbolicLink()) {
          throw new OutputError(join(root, relative(base, dir)), 'is a symbolic link: refusing to write through it', 'path');
        } else if (!s.isDirectory()) {
          throw new OutputError(join(root, relative(base, dir)), 'is not a directory', 'path');
        }
      }
      const shown = join(root, f.path);
      await checkFileTarget(target, shown);
      const current = await readIfFile(target);
      if (current === f.content) {
        status.push('unchanged');
        continue;
      }
      temps.push({ tmp: await writeTemp(target, f.content, undefined), target });
      status.push(current === undefined ? 'created' : 'updated');
      probe(temps.length);
    }
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t.tmp, { force: true })));
    for (const d of createdDirs.reverse()) await rmdir(d).catch(() => undefined);
    throw err;
  }
  for (const t of temps) {
    try {
      await rename(t.tmp, t.target);
    } catch (err) {
      await Promise.all(temps.map((x) => rm(x.tmp, { force: true })));
      throw ioError(t.target, err);
    }
  }
  return status;
}

async function readIfFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(file, err);
  }
}
