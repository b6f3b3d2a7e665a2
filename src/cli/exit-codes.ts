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
  /** An input file (spec, overlay) does not exist or cannot be read. */
  noInput: 66,
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
  66  an input file does not exist or cannot be read`;
