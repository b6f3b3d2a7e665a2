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

/** `POST /-/reload` was refused (usually an invalid config or rule file); `answer` is the server's text. */
export class StackReloadError extends Error {
  override readonly name = 'StackReloadError';
  constructor(
    readonly component: string,
    readonly status: number,
    readonly answer: string,
    readonly logTail: string,
  ) {
    super(`${component} refused to reload (${status}): ${answer}\n--- last log lines ---\n${logTail}`);
  }
}
