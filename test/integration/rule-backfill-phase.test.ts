/**
 * Debian's promtool 2.42 (`slicelabels`) against the rule-group phase model; the body is test/backfill/rule-phase-body.ts.
 */
import { describe } from 'vitest';
import { defineRulePhaseTests } from '../backfill/rule-phase-body.js';

describe('promtool 2.42 rule backfill and the group phase', () => {
  defineRulePhaseTests('slicelabels', () => 'promtool');
});
