import { Command } from 'commander';
import { profileJsonSchema } from '../../profile/json-schema.js';
import type { Io } from '../io.js';

/** `agent-slo schema`: the spec's JSON Schema on stdout, for editors (yaml-language-server) and other tools. */
export function schemaCommand(io: Io): Command {
  return new Command('schema')
    .description('print the JSON Schema of the SLO spec (apiVersion agent-slo/v1) for editors: agent-slo schema > agent-slo.schema.json')
    .addHelpText(
      'after',
      '\nThen start a spec with\n  # yaml-language-server: $schema=./agent-slo.schema.json\nfor completion and checks in editors; `agent-slo validate` still checks what a schema cannot (threshold order, durations, PromQL).',
    )
    .action(() => {
      io.out(JSON.stringify(profileJsonSchema(), null, 2));
    });
}
