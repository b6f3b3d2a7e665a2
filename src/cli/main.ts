#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './run.js';
import { EXIT } from './exit-codes.js';
import { describeErrno } from '../errno.js';

// The only place that ends the process. A stream that cannot be written (stdout to /dev/full, a closed pipe) ends
// it with 74 and one line, instead of an unhandled 'error' event.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (stream === process.stdout) {
      try {
        process.stderr.write(`agent-slo: cannot write to stdout: ${describeErrno(err.code ?? 'EIO')}\n`);
      } catch {
        // stderr is gone too: the exit code is all that is left
      }
    }
    process.exit(EXIT.ioError);
  });
}
runCli(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`agent-slo: internal error: ${String(err)}\n`);
    process.exit(EXIT.internal);
  },
);
