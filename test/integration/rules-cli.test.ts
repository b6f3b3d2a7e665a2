/** `agent-slo generate` and `generate --check` through the real CLI: exit 0 when current, 1 with a diff when stale. */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runAgentSloAsync } from '../harness/cli.js';

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('agent-slo generate', () => {
  it('--check passes on the committed tree (exit 0)', async () => {
    const r = await runAgentSloAsync(['generate', '--check']);
    expect(r.stdout).toMatch(/generate --check: \d+ files up to date/);
    expect(r.code).toBe(0);
  });

  it('writes into --out with a progress line per file, then --check is 0; a stale file gives exit 1 and a diff', async () => {
    const out = await mkdtemp(join(tmpdir(), 'agent-slo-generate-'));
    temps.push(out);
    const first = await runAgentSloAsync(['generate', '--profile', 'kokino', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^created\s+rules\/kokino\/rules\.yaml$/m);
    expect(first.stdout).toMatch(/^created\s+rules\/kokino\/tests\/availability\.yaml$/m);
    expect(first.stdout).toMatch(/^created\s+buckets\.json$/m); // the instrumentation's boundaries for this profile
    expect(first.stdout).not.toContain('otelcol-spans'); // the repository's collector pipeline: shipped profiles only
    expect((await runAgentSloAsync(['generate', '--profile', 'kokino', '--out', out, '--check'])).code).toBe(0);

    const file = join(out, 'rules', 'kokino', 'rules.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('< 0.99 and', '< 0.98 and'));
    const stale = await runAgentSloAsync(['generate', '--profile', 'kokino', '--out', out, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/^STALE\s+rules\/kokino\/rules\.yaml$/m);
    expect(stale.stdout).toContain('--- a/rules/kokino/rules.yaml');
    expect(stale.stdout).toMatch(/^-.*< 0\.98 and/m);
    expect(stale.stdout).toMatch(/^\+.*< 0\.99 and/m);
    expect(stale.stderr).toMatch(/stale: run `agent-slo generate`/);

    const again = await runAgentSloAsync(['generate', '--profile', 'kokino', '--out', out]);
    expect(again.stdout).toMatch(/^updated\s+rules\/kokino\/rules\.yaml$/m);
    expect((await runAgentSloAsync(['generate', '--profile', 'kokino', '--out', out, '--check'])).code).toBe(0);
  });

  it('writes into the current directory by default; the header names the spec relative to the output root, so --check agrees from any directory', async () => {
    const project = await mkdtemp(join(tmpdir(), 'agent-slo-generate-cwd-'));
    temps.push(project);
    await mkdir(join(project, 'slo'));
    await copyFile(join(REPO_ROOT, 'test/fixtures/specs/valid/minimal.yaml'), join(project, 'slo', 'my.yaml'));
    const r = await runAgentSloAsync(['generate', '-f', 'slo/my.yaml'], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/generated \d+ files under \.: \d+ created/);
    const rules = await readFile(join(project, 'rules', 'minimal', 'rules.yaml'), 'utf8');
    expect(rules).toContain('# Source: slo/my.yaml (profile minimal');
    // Same spec and output, named from elsewhere: up to date.
    const elsewhere = await runAgentSloAsync(['generate', '--check', '-f', join(project, 'slo', 'my.yaml'), '-o', project], { cwd: tmpdir() });
    expect(elsewhere.code, elsewhere.stdout).toBe(0);
    const inside = await runAgentSloAsync(['generate', '--check', '-f', 'my.yaml', '-o', '..'], { cwd: join(project, 'slo') });
    expect(inside.code, inside.stdout).toBe(0);
    // The committed tree checked from outside the repository.
    expect((await runAgentSloAsync(['generate', '--check', '-o', REPO_ROOT], { cwd: project })).code).toBe(0);
  });

  it('usage and spec errors keep their exit codes', async () => {
    expect((await runAgentSloAsync(['generate', '--profile', 'nope'])).code).toBe(64);
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-generate-bad-'));
    temps.push(dir);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'apiVersion: agent-slo/v1\nkind: SLOProfile\nmetadata: {name: x}\nobjectives: []\n');
    expect((await runAgentSloAsync(['generate', '--spec', bad, '--out', dir])).code).toBe(65);
  });
});
