/**
 * The gate scenario suite (gate-scenarios-body.ts, the same test bodies as against Debian's 2.42) against
 * Prometheus 3 built by collector-config/build-prometheus3.sh; its promtool writes the backfilled blocks.
 * Skipped (with the reason printed) only when the binary has not been built; in CI a missing binary fails.
 */
import { describe, it } from 'vitest';
import { prometheus3Binary, promtool3Binary } from '../harness/binaries.js';
import { goBuilt } from '../harness/go-built.js';
import { defineGateScenarios } from './gate-scenarios-body.js';

const prom3 = await goBuilt(() => prometheus3Binary());
const promtool3 = await goBuilt(() => promtool3Binary());
const missing = prom3.missingReason ?? promtool3.missingReason;

if (missing !== undefined) {
  console.warn(`[skipped] gate scenarios on Prometheus 3: ${missing}`);
  describe.skip('gate scenarios on Prometheus 3', () => it('needs the Prometheus 3 build', () => undefined));
} else {
  defineGateScenarios({ label: 'Prometheus 3', binary: prom3.path!, promtool: promtool3.path! });
}
