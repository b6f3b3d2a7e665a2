/** Exit codes of every agent-slo command (documented in README and `--help`). */
export const EXIT = {
  ok: 0,
  /** gate: blocked; generate --check, audit verify and other checks: check failed. */
  blockedOrCheckFailed: 1,
  /** gate: manual approval required. */
  approvalRequired: 2,
  /** gate: could not evaluate (fails closed); review/serve: could not read the data. */
  cannotEvaluate: 3,
  usage: 64,
  invalidSpec: 65,
  /** An input file (spec, overlay, audit log, CA or password file) does not exist or cannot be read. */
  noInput: 66,
  /** An output cannot be created: bad path (missing directory, a file where a directory is needed), permission, read-only file system. */
  cannotWrite: 73,
  /** Writing failed part-way: disk full, I/O error (stdout included). */
  ioError: 74,
  /** Busy, try again: the audit log is locked by another writer. */
  tryAgain: 75,
  /** Unexpected internal error (a bug): the message says so. */
  internal: 70,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0   ok (gate: pass)
  1   gate: blocked; generate --check, audit verify and other checks: check failed
  2   gate: manual approval required
  3   gate: cannot evaluate (fails closed: missing data, errors, timeouts)
  64  usage error (unknown command or option, bad argument)
  65  invalid spec (every problem is listed with file:line:column, field and fix)
  66  an input file does not exist or cannot be read
  70  internal error: a bug (please report it with the message)
  73  an output cannot be created (missing directory, file in the way, permission, read-only file system)
  74  writing failed part-way (disk full, I/O error, stdout closed)
  75  busy, try again (the audit log is locked by another writer)
  Every failure is one line on stderr naming the file or flag at fault; 70 is kept for bugs.`;
