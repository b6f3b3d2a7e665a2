/**
 * The gap matrix and the two measured defects (promql/gaps-body.ts) with promtool 3.x (built by
 * collector-config/build-prometheus3.sh). Skipped (with the reason printed) only when the binary has not been built;
 * in CI a missing binary fails.
 */
import { describe } from 'vitest';
import { promtool3Binary, requireBinary } from '../harness/binaries.js';
import { goBuilt } from '../harness/go-built.js';
import { defineGapPromtoolTests } from '../promql/gaps-body.js';

const promtool3 = await goBuilt(() => promtool3Binary());
if (promtool3.missingReason !== undefined) console.warn(`[skipped] gap matrix with promtool 3: ${promtool3.missingReason}`);

describe.skipIf(promtool3.missingReason !== undefined)('promtool 3.x', () => {
  defineGapPromtoolTests('3.x', () => requireBinary(promtool3), process.cwd());
});
