import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUCKETS, PACKAGE_VERSION } from '@agent-slo/instrumentation';

describe('package defaults', () => {
  it('ships the GenAI semantic-convention bucket advice for durations, not any deployment\'s thresholds', () => {
    const advice = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    for (const name of ['gen_ai.execute_tool.duration', 'gen_ai.client.operation.duration', 'gen_ai.invoke_agent.duration', 'agent.execution.duration'] as const) {
      expect(DEFAULT_BUCKETS[name], name).toEqual(advice);
    }
    const memory = DEFAULT_BUCKETS['agent.execution.memory'];
    expect(memory.every((b, i) => b === 2 ** (24 + i)), 'powers of two from 16 MiB').toBe(true);
    expect(memory[memory.length - 1]).toBe(64 * 2 ** 30);
  });

  it('PACKAGE_VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PACKAGE_VERSION).toBe(pkg.version);
  });
});
