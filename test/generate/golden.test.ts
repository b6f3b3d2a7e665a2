import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAll, type ProfileSource } from '../../src/generate/all.js';
import { unifiedDiff } from '../../src/generate/diff.js';
import { packageRoot } from '../../src/package.js';
import { SHIPPED_PROFILES, shippedProfilePath } from '../../src/profile/shipped.js';
import { loadProfile } from '../../src/profile/load.js';

async function shipped(): Promise<ProfileSource[]> {
  return Promise.all(SHIPPED_PROFILES.map(async (name) => ({ profile: await loadProfile(shippedProfilePath(name), []), specPath: `profiles/${name}.yaml` })));
}

describe('generated files are committed and current (golden)', () => {
  it('regenerating both shipped profiles in memory gives exactly the committed files', async () => {
    const files = generateAll(await shipped(), { collectorSpans: true });
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['rules/kokino/rules.yaml', 'rules/runtime-v1/rules.yaml', 'rules/kokino/tests/availability.yaml', 'buckets.json', 'monitoring/grafana/headless-dashboard.json']),
    );
    const stale: string[] = [];
    for (const f of files) {
      const committed = await readFile(join(packageRoot(), f.path), 'utf8').catch(() => undefined);
      if (committed !== f.content) stale.push(unifiedDiff(f.path, committed, f.content).split('\n').slice(0, 40).join('\n'));
    }
    expect(stale, `stale generated files: run \`agent-slo generate\`\n${stale.join('\n')}`).toEqual([]);
  });

  it('generation is deterministic', async () => {
    const a = generateAll(await shipped(), { collectorSpans: true });
    const b = generateAll(await shipped(), { collectorSpans: true });
    expect(a).toEqual(b);
  });
});

describe('unifiedDiff', () => {
  it('shows changed lines with context and hunk positions', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const after = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h', 'i'].join('\n');
    expect(unifiedDiff('x.yaml', before, after)).toBe(
      ['--- a/x.yaml', '+++ b/x.yaml', '@@ -1,8 +1,9 @@', ' a', ' b', ' c', '-d', '+D', ' e', ' f', ' g', ' h', '+i'].join('\n'),
    );
  });
  it('is empty for equal text and marks missing files', () => {
    expect(unifiedDiff('x', 'same', 'same')).toBe('');
    expect(unifiedDiff('x', undefined, 'new')).toContain('--- /dev/null');
  });
});
