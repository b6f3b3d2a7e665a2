import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TOKEN_USAGE_BUCKETS } from '@agent-slo/instrumentation';
import { COLLECTOR_SPANS_FILE, priceStatements, SPANS_COMPONENTS } from '../../src/generate/collector/spans.js';
import { repoRoot } from '../harness/binaries.js';
import { GENERATED_BUCKETS } from '../harness/buckets.js';

interface MetricDef {
  name: string;
  unit: string;
  histogram?: { buckets: number[] };
  sum?: { monotonic: boolean };
}

interface Pipeline {
  receivers: string[];
  processors?: string[];
  exporters?: string[];
}
const config = parse(readFileSync(join(repoRoot(), COLLECTOR_SPANS_FILE), 'utf8')) as {
  processors: Record<string, unknown>;
  connectors: Record<string, { spans: MetricDef[] }>;
  service: { pipelines: Record<string, Pipeline> };
};
const defs = config.connectors[SPANS_COMPONENTS.connector]!.spans;

describe('collector-config/otelcol-spans.yaml (span path)', () => {
  it('gives every histogram the generated boundaries (buckets.json) and every metric its unit', () => {
    const histograms = defs.filter((d) => d.histogram !== undefined);
    expect(histograms.map((d) => d.name).sort()).toEqual(
      ['gen_ai.client.operation.duration', 'gen_ai.client.token.usage', 'gen_ai.client.token.usage', 'gen_ai.execute_tool.duration', 'gen_ai.invoke_agent.duration'].sort(),
    );
    for (const d of histograms) {
      const expected = d.name === 'gen_ai.client.token.usage' ? TOKEN_USAGE_BUCKETS : GENERATED_BUCKETS[d.name as keyof typeof GENERATED_BUCKETS];
      expect(d.histogram!.buckets, d.name).toEqual([...expected]);
      expect(d.unit, d.name).toBe(d.name === 'gen_ai.client.token.usage' ? '{token}' : 's');
    }
    const units = Object.fromEntries(defs.filter((d) => d.sum !== undefined).map((d) => [d.name, d.unit]));
    expect(units).toEqual({
      'agent.tasks': '{task}',
      'agent.escalations': '{escalation}',
      'agent.model.fallbacks': '{fallback}',
      'agent.task.cost': 'USD',
      'agent.instrumentation.rejected': '{recording}',
    });
    for (const d of defs) if (d.sum !== undefined) expect(d.sum.monotonic, d.name).toBe(true);
  });

  it('needs from the base config only the otlp receiver, memory_limiter and the metrics pipeline, which its series join', () => {
    const own = new Set([...Object.keys(config.processors), ...Object.keys(config.connectors)]);
    const { [SPANS_COMPONENTS.basePipeline]: base, ...mine } = config.service.pipelines;
    const foreign = Object.values(mine).flatMap((p) => [...p.receivers, ...(p.processors ?? []), ...(p.exporters ?? [])]).filter((c) => !own.has(c));
    expect(new Set(foreign)).toEqual(new Set(['otlp', 'memory_limiter']));
    // The derived series go to the base `metrics` pipeline (its naming mode, its exporters), never to an exporter of their own.
    expect(mine[SPANS_COMPONENTS.metricsPipeline]!.exporters).toEqual([SPANS_COMPONENTS.handOff]);
    expect(base).toEqual({ receivers: ['otlp', SPANS_COMPONENTS.handOff] });
  });

  it('prices: the wildcard first, then request models, then response models (later statements win), float literals', () => {
    const s = priceStatements({ '*': { inputPerMillionTokens: 1, outputPerMillionTokens: 2 }, b: { inputPerMillionTokens: 0.5, outputPerMillionTokens: 3 } });
    expect(s).toHaveLength(3);
    expect(s[0]).toContain('* 1.0) + (');
    expect(s[0]).not.toContain('gen_ai.request.model');
    expect(s[1]).toMatch(/\* 0\.5\) \+ \(.*\* 3\.0\)\) \/ 1000000\.0\) where .*"gen_ai\.request\.model"\] == "b"$/);
    expect(s[2]).toMatch(/"gen_ai\.response\.model"\] == "b"$/);
    expect(priceStatements({})).toEqual([]);
  });
});
