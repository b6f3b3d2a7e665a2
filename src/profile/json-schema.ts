/**
 * The spec's JSON Schema, generated from the zod wire schema (one source of truth): editors validate and complete
 * spec files with it (yaml-language-server, VS Code). Shape only; `agent-slo validate` also checks meaning.
 */
import { z } from 'zod';
import { API_VERSION_V1, profileSchemaV1 } from './schema.js';

export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(profileSchemaV1, { io: 'input', reused: 'ref' });
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: `agent-slo SLO spec (${API_VERSION_V1})`,
    description: 'An agent-slo profile: objectives, windows, routing, gate policy. Shape only: run `agent-slo validate` for threshold order, durations and PromQL.',
    ...rest,
  };
}
