import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectorBinary, manifestHash, prometheus3Binary, prometheus3Version, repoRoot } from '../harness/binaries.js';

const root = repoRoot();
const cache = mkdtempSync(join(tmpdir(), 'agent-slo-binaries-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('cached binary locator', () => {
  it('hashes the manifest exactly as build.sh does (sha256sum | cut -c1-16)', () => {
    const shell = execFileSync('sh', ['-c', 'sha256sum collector-config/builder-config.yaml | cut -c1-16'], { cwd: root, encoding: 'utf8' }).trim();
    expect(manifestHash(execFileSync('cat', ['collector-config/builder-config.yaml'], { cwd: root }))).toBe(shell);
  });

  it('reads the Prometheus 3 version from build-prometheus3.sh, env override first', () => {
    expect(prometheus3Version(root, {})).toMatch(/^v0\.3\d\d\.\d+$/);
    expect(prometheus3Version(root, { PROMETHEUS3_VERSION: 'v0.300.1' })).toBe('v0.300.1');
  });

  it('says how to build a missing binary and finds one that is present', () => {
    const env = { AGENT_SLO_CACHE: cache };
    const missing = collectorBinary(env, root);
    expect(missing.path).toBeUndefined();
    expect(missing.missingReason).toContain('collector-config/build.sh');
    expect(missing.expectedPath.startsWith(join(cache, 'otelcol'))).toBe(true);

    mkdirSync(join(missing.expectedPath, '..'), { recursive: true });
    writeFileSync(missing.expectedPath, '#!/bin/sh\n', { mode: 0o755 });
    expect(collectorBinary(env, root).path).toBe(missing.expectedPath);

    const prom = prometheus3Binary(env, root);
    expect(prom.path).toBeUndefined();
    expect(prom.expectedPath).toBe(join(cache, 'prometheus3', prometheus3Version(root, env), 'prometheus'));
    expect(prom.missingReason).toContain('collector-config/build-prometheus3.sh');
  });
});
