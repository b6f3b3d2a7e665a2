/**
 * Atomic outputs: a generated tree is one change (a failure after N files leaves the previous tree byte-identical),
 * single files are renamed into place, symlinks inside the output root are refused (the root itself may be one),
 * and `-` is stdout where a single stream makes sense, a clear error where it does not.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { generateAll } from '../../src/generate/all.js';
import { writeGenerated } from '../../src/generate/write.js';
import { OutputError, writeFileAtomic } from '../../src/output.js';
import { loadProfile } from '../../src/profile/load.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every entry under `root` (files with their bytes, directories and links) as one comparable map. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(root, p);
      if (e.isSymbolicLink()) out[rel] = 'link';
      else if (e.isDirectory()) {
        out[rel] = 'dir';
        await walk(p);
      } else out[rel] = (await readFile(p)).toString('base64');
    }
  };
  await walk(root);
  return out;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false };
  const code = await runCli(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function files(spec = 'test/fixtures/specs/valid/minimal.yaml', suffix = ''): Promise<ReturnType<typeof generateAll>> {
  const profile = await loadProfile(spec);
  return generateAll([{ profile, specPath: `spec${suffix}.yaml` }], { collectorSpans: false });
}

describe('atomic generated trees', () => {
  it.each([0, 1, 3, 5])('a failure after %i written files leaves the previous tree byte-identical (no temp file, no new directory)', async (n) => {
    const root = join(dir, 'out');
    await writeGenerated(root, await files());
    const before = await snapshot(root);
    const next = [...(await files()).map((f) => ({ ...f, content: `${f.content}\n` })), { path: 'extra/new/file.txt', content: 'x' }];
    const probe = (written: number): void => {
      if (written > n) throw new Error('injected failure');
    };
    await expect(writeGenerated(root, next, undefined, probe)).rejects.toThrow('injected failure');
    expect(await snapshot(root)).toEqual(before);
    // Without the failure the same change goes through completely.
    const counts = await writeGenerated(root, next);
    expect(counts).toEqual({ created: 1, updated: next.length - 1, unchanged: 0 });
    expect(await readFile(join(root, 'extra/new/file.txt'), 'utf8')).toBe('x');
  });

  it('refuses a symlink at a file path or a directory inside the root, and writes nothing', async () => {
    const root = join(dir, 'out');
    const generated = await files();
    await writeGenerated(root, generated);
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'keep me');
    const ruleFile = generated.find((f) => f.path.endsWith('rules.yaml'))!.path;
    await rm(join(root, ruleFile));
    await symlink(victim, join(root, ruleFile));
    const before = await snapshot(root);
    const err = await writeGenerated(root, await files(undefined, '-v2')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).message).toMatch(/rules\.yaml: is a symbolic link: refusing to write through it/);
    expect(await readFile(victim, 'utf8')).toBe('keep me');
    expect(await snapshot(root)).toEqual(before);
    // A linked directory inside the root is refused the same way.
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    await rm(join(root, 'dashboards'), { recursive: true });
    await symlink(elsewhere, join(root, 'dashboards'));
    await rm(join(root, ruleFile));
    await expect(writeGenerated(root, generated)).rejects.toThrow(/dashboards: is a symbolic link/);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('follows an output root that is itself a symlink', async () => {
    const real = join(dir, 'real');
    await mkdir(real);
    await symlink(real, join(dir, 'link'));
    const r = await cli(['generate', '--spec', 'test/fixtures/specs/valid/minimal.yaml', '--out', join(dir, 'link')]);
    expect(r.code, r.err).toBe(0);
    expect((await lstat(join(dir, 'link'))).isSymbolicLink()).toBe(true);
    expect(Object.keys(await snapshot(real))).toContain('rules/minimal/rules.yaml');
  });

  it('generate: --out - and --out onto a file are usage errors (64) that write nothing', async () => {
    const dash = await cli(['generate', '--spec', 'test/fixtures/specs/valid/minimal.yaml', '--out', '-']);
    expect(dash.code).toBe(64);
    expect(dash.err).toMatch(/not one stream: --out - is not possible; give a directory/);
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const onto = await cli(['generate', '--spec', 'test/fixtures/specs/valid/minimal.yaml', '--out', file]);
    expect(onto.code).toBe(64);
    expect(onto.err).toMatch(/a-file: is not a directory; nothing was written/);
    expect(await readFile(file, 'utf8')).toBe('x');
  });
});

describe('atomic single files', () => {
  it('replaces the file in one rename (no temp file left), refuses a symlink and keeps the old content on failure', async () => {
    const file = join(dir, 'report.md');
    await writeFile(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['report.md']);
    const victim = join(dir, 'victim');
    await writeFile(victim, 'keep');
    await symlink(victim, join(dir, 'link.md'));
    await expect(writeFileAtomic(join(dir, 'link.md'), 'x')).rejects.toThrow(/is a symbolic link/);
    expect(await readFile(victim, 'utf8')).toBe('keep');
    await expect(writeFileAtomic(join(dir, 'missing-dir', 'r.md'), 'x')).rejects.toThrow(OutputError);
    expect(await readFile(file, 'utf8')).toBe('new');
  });

  it('render-alertmanager: - is stdout', async () => {
    const out = join(dir, 'out');
    expect((await cli(['generate', '--spec', 'test/fixtures/specs/valid/minimal.yaml', '--out', out])).code).toBe(0);
    const r = await cli(['render-alertmanager', join(out, 'alertmanager/minimal/alertmanager.yml'), '--out', '-']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^route:|receivers:/m);
    expect(await readdir(dir)).toEqual(['out']);
  });
});
