/** Where commands write; tests pass their own to capture output. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** True when stdout is a terminal (commands pick human-readable defaults then). */
  readonly isTty: boolean;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: process.stdout.isTTY === true,
};
