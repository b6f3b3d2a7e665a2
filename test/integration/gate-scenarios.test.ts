/** The gate scenario suite (gate-scenarios-body.ts) against Debian's Prometheus 2.42 (`prometheus`/`promtool` on PATH). */
import { defineGateScenarios } from './gate-scenarios-body.js';

defineGateScenarios({ label: 'Prometheus 2.42 (Debian)' });
