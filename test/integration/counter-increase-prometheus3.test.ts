/**
 * The project's count expression evaluated by promtool 3.x (built by collector-config/build-prometheus3.sh): the same
 * bodies and hand-worked values as counter-increase.test.ts runs with Debian's 2.42. Skipped (with the reason printed)
 * only when the binary has not been built; in CI a missing binary fails.
 */
import { describe, expect, it } from 'vitest';
import { promtool3Binary, requireBinary } from '../harness/binaries.js';
import { goBuilt } from '../harness/go-built.js';
import { runPromtool } from '../harness/promtool.js';
import { defineCounterIncreasePromtoolTests } from '../promql/counter-increase-body.js';

const promtool3 = await goBuilt(() => promtool3Binary());
if (promtool3.missingReason !== undefined) console.warn(`[skipped] counter-increase with promtool 3: ${promtool3.missingReason}`);
const bin = (): string => requireBinary(promtool3);

describe.skipIf(promtool3.missingReason !== undefined)('promtool 3.x', () => {
  it('is promtool 3.x', async () => {
    const r = await runPromtool(['--version'], process.cwd(), bin());
    expect(r.out).toMatch(/promtool, version 3\./);
  });
  defineCounterIncreasePromtoolTests('3.x', bin);
});
