#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './run.js';

// The only place that ends the process.
runCli(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`agent-slo: internal error: ${String(err)}\n`);
    process.exit(70);
  },
);
