/**
 * The test-only overlay of the live delivery tests: the generated rules with every alert's `for` set to 0s and every
 * group evaluated every second, so alerts reach Alertmanager in seconds. The real `for` durations and windows are
 * proven by the generated promtool tests; routing, payloads and inhibition do not depend on them.
 */
import { parse, stringify } from 'yaml';

export function shortForOverlay(rulesYaml: string, what: string): string {
  const doc = parse(rulesYaml) as { groups: { interval?: string; rules: { alert?: string; for?: string }[] }[] };
  for (const g of doc.groups) {
    g.interval = '1s';
    for (const r of g.rules) if (r.alert !== undefined) r.for = '0s';
  }
  return `# TEST OVERLAY: ${what} with for: 0s and interval: 1s (test/harness/short-for.ts)\n${stringify(doc, { lineWidth: 0 })}`;
}
