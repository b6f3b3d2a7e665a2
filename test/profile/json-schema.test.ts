import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runAgentSlo } from '../harness/cli.js';

describe('agent-slo schema', () => {
  const r = runAgentSlo(['schema']);
  const schema = JSON.parse(r.stdout) as Record<string, unknown>;
  const check = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const doc = (file: string): unknown => parse(readFileSync(file, 'utf8'));

  it('prints a JSON Schema (2020-12) on stdout, exit 0', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toContain('agent-slo/v1');
  });

  it('accepts the shipped profiles and valid fixtures', () => {
    for (const file of ['profiles/runtime-v1.yaml', 'profiles/kokino.yaml', 'test/fixtures/specs/valid/minimal.yaml', 'test/fixtures/specs/valid/custom-promql.yaml']) {
      expect(check(doc(file)), `${file}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
  });

  it('rejects what the shape check rejects: unknown fields, wrong types, misspelled enums, wrong apiVersion', () => {
    for (const fixture of ['unknown-top-field', 'unknown-objective-field', 'target-not-number', 'misspelled-direction', 'wrong-api-version', 'wrong-kind', 'objectives-empty', 'missing-critical']) {
      expect(check(doc(`test/fixtures/specs/broken/${fixture}.yaml`)), fixture).toBe(false);
    }
  });
});
