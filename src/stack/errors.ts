/** A launched component did not become ready: it exited, or /-/ready did not answer in time. */
export class StackStartError extends Error {
  override readonly name = 'StackStartError';
  constructor(
    readonly component: string,
    readonly reason: string,
    /** Last log lines of the component. */
    readonly logTail: string,
    options?: { cause?: unknown },
  ) {
    super(`${component} did not start: ${reason}\n--- last log lines ---\n${logTail}`, options);
  }
}
