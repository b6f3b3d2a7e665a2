import { EXIT } from './exit-codes.js';

/** An error the CLI reports without a stack trace and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Wrong arguments: exit 64. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** A check that found a problem (stale output, tampered audit log): exit 1. */
export class CheckFailedError extends CliError {
  override readonly name = 'CheckFailedError';
  constructor(message: string) {
    super(message, EXIT.blockedOrCheckFailed);
  }
}
