/**
 * promtool 3.x (built by collector-config/build-prometheus3.sh; `stringlabels`, the 3.x default) against the
 * rule-group phase model; the body is test/backfill/rule-phase-body.ts. Skipped (with the reason printed) only when
 * the binary has not been built; in CI a missing binary fails.
 */
import { describe } from 'vitest';
import { promtool3Binary, requireBinary } from '../harness/binaries.js';
import { defineRulePhaseTests } from '../backfill/rule-phase-body.js';
import { goBuilt } from '../harness/go-built.js';

const promtool3 = await goBuilt(() => promtool3Binary());
if (promtool3.missingReason !== undefined) console.warn(`[skipped] rule backfill phase with promtool 3: ${promtool3.missingReason}`);

describe.skipIf(promtool3.missingReason !== undefined)('promtool 3.x rule backfill and the group phase', () => {
  defineRulePhaseTests('stringlabels', () => requireBinary(promtool3));
});
