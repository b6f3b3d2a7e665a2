import { describe, expect, it } from 'vitest';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
// @ts-expect-error leg.mjs is plain JS
import { legPackageJson, LEG_DIR, peerRangesAgainstLeg } from './leg.mjs';

interface PackageJson {
  version: string;
  exports: { '.': { default: { default: string } } };
}

describe('the Node 24 + OpenTelemetry JS 3.x leg', () => {
  it('runs on Node 24 and the code under test imports @opentelemetry/sdk-metrics 3.x from the leg', async () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    const pkg = (legPackageJson as (name: string) => PackageJson)('@opentelemetry/sdk-metrics');
    expect(pkg.version).toMatch(/^3\./);
    const entry = pathToFileURL(join(LEG_DIR as string, 'node_modules/@opentelemetry/sdk-metrics', pkg.exports['.'].default.default));
    const leg = (await import(entry.href)) as { MeterProvider: unknown };
    // The same class object: the bare import above resolved to the leg's 3.x copy, not the repository's 2.x.
    expect(MeterProvider).toBe(leg.MeterProvider);
  });

  it("@agent-slo/instrumentation's peer ranges accept every OTel 3.x package the leg installs", async () => {
    const peers = await (peerRangesAgainstLeg as () => Promise<{ name: string; range: string; version: string; accepted: boolean }[]>)();
    expect(peers.length).toBeGreaterThanOrEqual(6);
    for (const p of peers) expect(p, `${p.name}@${p.version} against ${p.range}`).toMatchObject({ accepted: true });
    expect(peers.find((p) => p.name === '@opentelemetry/sdk-metrics')?.version).toMatch(/^3\./);
  });
});
