/**
 * A YAML input file of a command (OpenSLO to import, span settings…), read with the spec bounds (regular file or
 * stdin, ≤ 1 MiB, hardened YAML): the parsed documents, or a SpecInputError (66: cannot be read) / SpecError (65).
 */
import { SpecError, SpecInputError } from '../profile/errors.js';
import { parseYamlDocuments } from '../profile/load.js';
import { readSpecInput, STDIN_NAME } from '../profile/read.js';

export async function readYamlInput(file: string): Promise<{ shown: string; values: unknown[] }> {
  const shown = file === '-' ? STDIN_NAME : file;
  const read = await readSpecInput(file);
  if (!read.ok) {
    const issue = { file: shown, line: 0, column: 0, path: '', message: read.message, hint: read.hint };
    throw read.kind === 'missing' ? new SpecInputError([issue]) : new SpecError([issue]);
  }
  const parsed = parseYamlDocuments(shown, read.bytes.toString('utf8'));
  if (parsed.issues.length > 0) throw new SpecError(parsed.issues);
  return { shown, values: parsed.values };
}
