import { describe, inject, it } from 'vitest';
import { prometheus3Binary, promtool3Binary } from './binaries.js';
import { goBuilt } from './go-built.js';

/** The Prometheus majors a vitest project tests against (vitest.config.ts `provide`): 2 in main, 3 in go-built. */
declare module 'vitest' {
  export interface ProvidedContext {
    prometheusMajors: readonly PrometheusMajor[];
  }
}

export type PrometheusMajor = 2 | 3;

/** One Prometheus users run, with its promtool: Debian's 2.42 on PATH, or 3.x built by build-prometheus3.sh. */
export interface PrometheusServer {
  /** Shown in titles, e.g. "Prometheus 2.42 (Debian)". */
  readonly label: string;
  readonly major: PrometheusMajor;
  /** prometheus binary (a path, or the name on PATH). */
  readonly prometheus: string;
  /** promtool binary (a path, or the name on PATH). */
  readonly promtool: string;
  /** How the build stores labels (promtool's blocks depend on it): 2.42 `slicelabels`, 3.x `stringlabels`. */
  readonly labelsEncoding: 'slicelabels' | 'stringlabels';
}

const DEBIAN: PrometheusServer = { label: 'Prometheus 2.42 (Debian)', major: 2, prometheus: 'prometheus', promtool: 'promtool', labelsEncoding: 'slicelabels' };

/**
 * The servers this file runs against in the current vitest project, for `describe.each`: Prometheus 2.x cases run
 * in the main project and never wait for the Prometheus 3 build; 3.x cases run in the go-built project. A server
 * whose binaries are missing is left out with a skipped `what` suite saying why (in CI a missing binary fails).
 */
export async function prometheusServers(what: string): Promise<PrometheusServer[]> {
  const out: PrometheusServer[] = [];
  for (const major of inject('prometheusMajors')) {
    if (major === 2) {
      out.push(DEBIAN);
      continue;
    }
    const prometheus = await goBuilt(() => prometheus3Binary());
    const promtool = await goBuilt(() => promtool3Binary());
    const missing = prometheus.missingReason ?? promtool.missingReason;
    if (missing !== undefined || prometheus.path === undefined || promtool.path === undefined) {
      console.warn(`[skipped] ${what} on Prometheus 3: ${missing ?? 'not built'}`);
      describe.skip(`${what} on Prometheus 3`, () => it(`needs the Prometheus 3 build: ${missing ?? 'not built'}`, () => undefined));
      continue;
    }
    out.push({ label: 'Prometheus 3', major: 3, prometheus: prometheus.path, promtool: promtool.path, labelsEncoding: 'stringlabels' });
  }
  return out;
}
