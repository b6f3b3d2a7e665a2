import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LLM_EVIDENCE_ATTRIBUTES, SPAN_CONVENTION_RULES } from '@agent-slo/instrumentation';
import { repoRoot } from '../harness/binaries.js';

const doc = readFileSync(join(repoRoot(), 'docs', 'instrument-any-runtime.md'), 'utf8');

describe('docs/instrument-any-runtime.md documents the span-convention mapping table', () => {
  it('names every marker, marker value and source attribute of the table, and every LLM evidence attribute', () => {
    const missing: string[] = [];
    for (const rule of SPAN_CONVENTION_RULES) {
      for (const name of [rule.marker, ...Object.keys(rule.operations), ...Object.keys(rule.attributes), ...Object.values(rule.attributes).flat()]) {
        if (!doc.includes(name)) missing.push(`${rule.convention}: ${name}`);
      }
    }
    for (const a of LLM_EVIDENCE_ATTRIBUTES) if (!doc.includes(a) && !doc.includes(a.replace(/\.[a-z_]+$/, '.*'))) missing.push(`evidence: ${a}`);
    expect(missing).toEqual([]);
  });
});
