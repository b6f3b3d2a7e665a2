/**
 * The generated rules under Prometheus 3 semantics: `promtool check rules` and every generated `promtool test rules`
 * suite (rules/<profile>/tests/*.yaml) run with promtool 3.x, built next to Prometheus 3 by
 * collector-config/build-prometheus3.sh. rules-promtool.test.ts runs the same suites with Debian's promtool 2.42.
 * Skipped (with the reason printed) only when the binary has not been built; in CI a missing binary fails.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package.js';
import { promtool3Binary, requireBinary } from '../harness/binaries.js';
import { goBuilt } from '../harness/go-built.js';
import { generatedRuleTestFiles, runPromtool } from '../harness/promtool.js';

const promtool3 = await goBuilt(() => promtool3Binary());
if (promtool3.missingReason !== undefined) console.warn(`[skipped] promtool 3 rule tests: ${promtool3.missingReason}`);

const root = packageRoot();
/** The 3.x promtool (never the 2.42 default of runPromtool). */
const bin = (): string => requireBinary(promtool3);
const PROFILES = ['runtime-v1', 'kokino'];

describe.skipIf(promtool3.missingReason !== undefined)('generated rules with promtool 3.x', () => {
  it('is promtool 3.x', async () => {
    const r = await runPromtool(['--version'], root, bin());
    expect(r.out).toMatch(/promtool, version 3\./);
  });

  it('promtool check rules (3.x) accepts both rule files', async () => {
    const r = await runPromtool(['check', 'rules', ...PROFILES.map((p) => join('rules', p, 'rules.yaml'))], root, bin());
    expect(r.out).toMatch(/SUCCESS: \d+ rules found[\s\S]*SUCCESS: \d+ rules found/);
    expect(r.code, r.out).toBe(0);
  });

  for (const profile of PROFILES) {
    it.concurrent(`every generated promtool test suite of ${profile} passes under promtool 3.x`, { timeout: 900_000 }, async () => {
      const files = await generatedRuleTestFiles(root, profile);
      expect(files.length).toBeGreaterThanOrEqual(5);
      const failed: string[] = [];
      for (const f of files) {
        const r = await runPromtool(['test', 'rules', f], join(root, 'rules', profile, 'tests'), bin());
        if (r.code !== 0 || !r.out.includes('SUCCESS')) failed.push(`${profile}/${f} (exit ${r.code}):\n${r.out}`);
      }
      expect(failed, failed.join('\n')).toEqual([]);
    });
  }
});
