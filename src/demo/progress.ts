/** Step-by-step progress lines with elapsed time, for the demo's output. */
export interface Progress {
  /** Starts a step; the returned function ends it with an optional detail. */
  step(title: string): (detail?: string) => void;
  /** A line inside the current step. */
  info(line: string): void;
  /** Seconds since the demo started. */
  elapsed(): number;
}

export function createProgress(out: (line: string) => void, startedMs = Date.now()): Progress {
  const elapsed = (): number => (Date.now() - startedMs) / 1000;
  const stamp = (): string => `[${elapsed().toFixed(1).padStart(5)}s]`;
  let n = 0;
  return {
    step(title) {
      n++;
      const began = Date.now();
      out(`${stamp()} ${n}. ${title}`);
      return (detail) => out(`${stamp()}    done in ${((Date.now() - began) / 1000).toFixed(1)} s${detail ? `: ${detail}` : ''}`);
    },
    info(line) {
      out(`          ${line}`);
    },
    elapsed,
  };
}
