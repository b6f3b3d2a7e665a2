/**
 * Operational failures → exit code and one line for stderr. The one place where errors that commands did not turn
 * into a CliError themselves are classified (file system errors, audit log states, Prometheus option errors);
 * whatever is left is a bug (70). The codes are the table in exit-codes.ts.
 */
import { AuditError } from '../audit/log.js';
import { describeErrno, isKnownErrno } from '../errno.js';
import { OutputError } from '../output.js';
import { PrometheusClientError, PrometheusConfigError } from '../prometheus/errors.js';
import { EXIT } from './exit-codes.js';

export interface Failure {
  readonly code: number;
  /** One line, without the `agent-slo: ` prefix. */
  readonly message: string;
}

/** Writing started and could not finish. */
const IO_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EPIPE']);
/** System calls that only read: their failures concern an input. */
const READ_SYSCALLS = new Set(['read', 'scandir', 'opendir', 'readlink', 'stat', 'lstat', 'access', 'realpath']);

function isErrno(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/** A file system error that reached the top: input (66), output (73) or interrupted write (74). */
function systemFailure(err: NodeJS.ErrnoException & { code: string; dest?: string }): Failure | undefined {
  if (!isKnownErrno(err.code)) return undefined;
  const where = err.path === undefined ? '' : ` ${err.path}${err.dest === undefined ? '' : ` → ${err.dest}`}`;
  if (IO_CODES.has(err.code)) return { code: EXIT.ioError, message: `cannot write${where}: ${describeErrno(err.code)}` };
  if (READ_SYSCALLS.has(err.syscall ?? '')) return { code: EXIT.noInput, message: `cannot read${where}: ${describeErrno(err.code)}` };
  return { code: EXIT.cannotWrite, message: `cannot write${where}: ${describeErrno(err.code)}` };
}

/** An output that cannot be written: a path the user gave that cannot be one (64), the system refusing (73), or disk full (74). */
function outputFailure(err: OutputError): Failure {
  if (err.kind === 'path') return { code: EXIT.usage, message: `${err.message}; nothing was written` };
  return { code: err.code !== undefined && IO_CODES.has(err.code) ? EXIT.ioError : EXIT.cannotWrite, message: err.message };
}

function auditFailure(err: AuditError): Failure {
  const line = `audit log ${err.message}`;
  switch (err.failure) {
    case 'tampered':
      return { code: EXIT.blockedOrCheckFailed, message: `${line} (run agent-slo audit verify; restore the log from a copy or start a new one)` };
    case 'bad-anchor':
      return { code: EXIT.blockedOrCheckFailed, message: `${line}: the log cannot be verified (restore the anchor, or name the right one with --audit-anchor)` };
    case 'locked':
      return { code: EXIT.tryAgain, message: `${line} (another agent-slo is writing it; try again)` };
    case 'unwritable':
      return { code: EXIT.cannotWrite, message: line };
    case 'unreadable':
      return { code: EXIT.noInput, message: line };
  }
}

/** The exit code and message for an error no command handled, or undefined for a bug. */
export function classifyFailure(err: unknown): Failure | undefined {
  if (err instanceof AuditError) return auditFailure(err);
  if (err instanceof OutputError) return outputFailure(err);
  if (err instanceof PrometheusConfigError) return prometheusOptionFailure(err);
  if (err instanceof PrometheusClientError) return { code: EXIT.cannotEvaluate, message: `cannot read the data from Prometheus: ${err.reason}` };
  if (isErrno(err)) return systemFailure(err);
  return undefined;
}

/** A connection option that cannot be used: an unreadable file it names (66), otherwise a bad value (64). */
export function prometheusOptionFailure(err: PrometheusConfigError): Failure {
  const unreadable = isErrno(err.cause);
  return { code: unreadable ? EXIT.noInput : EXIT.usage, message: `Prometheus connection: ${err.reason}` };
}
