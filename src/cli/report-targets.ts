/**
 * Several reports from one evaluation: `--report FORMAT=FILE` (repeatable; FILE `-` is stdout), so a CI recipe
 * gets Markdown for the job summary and JUnit for the test report from one gate run and one audit record.
 * Targets are checked before the evaluation starts: a typo in a path must not cost a second run.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../output.js';
import { UsageError } from './errors.js';

export interface ReportTarget<F extends string> {
  readonly format: F;
  /** A file path, or `-` for stdout. */
  readonly file: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** The commander option: `--report FORMAT=FILE`, repeatable. */
export const REPORT_OPTION = ['--report <format=file>', 'write a report in FORMAT to FILE (- for stdout); repeatable, one evaluation for all', collect, [] as string[]] as const;

/** Parses `--report` values, plus the classic `--format`/`--output` pair when --output is given. */
export function parseReportTargets<F extends string>(
  texts: readonly string[],
  formats: readonly F[],
  classic: { format: F; output?: string | undefined; formatGiven: boolean },
): ReportTarget<F>[] {
  const targets: ReportTarget<F>[] = texts.map((text) => {
    const i = text.indexOf('=');
    const format = text.slice(0, i) as F;
    const file = text.slice(i + 1);
    if (i <= 0 || file === '' || !formats.includes(format)) {
      throw new UsageError(`--report "${text}" must be FORMAT=FILE with FORMAT one of ${formats.join(', ')} (FILE - for stdout), e.g. --report markdown=summary.md`);
    }
    return { format, file };
  });
  if (classic.output !== undefined) targets.push({ format: classic.format, file: classic.output });
  else if (targets.length > 0 && classic.formatGiven) throw new UsageError(`--format without --output cannot be combined with --report: write --report ${classic.format}=-`);
  const stdout = targets.filter((t) => t.file === '-');
  if (stdout.length > 1) throw new UsageError(`only one report can go to stdout (-); got ${stdout.map((t) => t.format).join(' and ')}`);
  const seen = new Set<string>();
  for (const t of targets) {
    if (t.file === '-') continue;
    const key = resolve(t.file);
    if (seen.has(key)) throw new UsageError(`two reports would be written to ${t.file}`);
    seen.add(key);
  }
  return targets.length > 0 ? targets : [{ format: classic.format, file: '-' }];
}

/** Refuses report files whose directory does not exist, before any work is done. */
export async function checkReportTargets(targets: readonly ReportTarget<string>[]): Promise<void> {
  for (const t of targets) {
    if (t.file === '-') continue;
    const dir = dirname(resolve(t.file));
    const s = await stat(dir).catch(() => undefined);
    if (s === undefined || !s.isDirectory()) throw new UsageError(`--report ${t.format}=${t.file}: directory ${dirname(t.file)} does not exist`);
    const f = await stat(t.file).catch(() => undefined);
    if (f?.isDirectory() === true) throw new UsageError(`--report ${t.format}=${t.file}: is a directory`);
  }
}

/** Writes each report atomically (the stdout one through `out`); returns the files written. */
export async function writeReports<F extends string>(targets: readonly ReportTarget<F>[], render: (format: F) => string, out: (text: string) => void): Promise<ReportTarget<F>[]> {
  const written: ReportTarget<F>[] = [];
  for (const t of targets) {
    const text = render(t.format);
    if (t.file === '-') out(text.replace(/\n$/, ''));
    else {
      await writeFileAtomic(t.file, text);
      written.push(t);
    }
  }
  return written;
}
