import { Command } from 'commander';
import { reviewCommand } from './commands/review.js';
import { serveCommand } from './commands/serve.js';
import { generateCommand } from './commands/generate.js';
import { validateCommand } from './commands/validate.js';
import { schemaCommand } from './commands/schema.js';
import { importCommand } from './commands/import.js';
import { gateCommand } from './commands/gate.js';
import { approveCommand } from './commands/approve.js';
import { overrideCommand } from './commands/override.js';
import { auditCommand } from './commands/audit.js';
import { backfillCommand } from './commands/backfill.js';
import { demoCommand } from './commands/demo.js';
import { renderAlertmanagerCommand } from './commands/render-alertmanager.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import type { Io } from './io.js';
import { packageVersion } from '../package.js';

/** The agent-slo command tree. Each command lives in commands/<name>.ts. */
export function buildProgram(io: Io): Command {
  const program = new Command('agent-slo')
    .description('SLOs for AI agent runtimes: validate specs, generate Prometheus/Alertmanager/Grafana artifacts, gate releases')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  program.addCommand(validateCommand(io));
  program.addCommand(schemaCommand(io));
  program.addCommand(importCommand(io));
  program.addCommand(generateCommand(io));
  program.addCommand(gateCommand(io));
  program.addCommand(approveCommand(io));
  program.addCommand(overrideCommand(io));
  program.addCommand(auditCommand(io));
  program.addCommand(serveCommand(io));
  program.addCommand(backfillCommand(io));
  program.addCommand(demoCommand(io));
  program.addCommand(reviewCommand(io));
  program.addCommand(renderAlertmanagerCommand(io));
  for (const c of program.commands) {
    c.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
    c.showHelpAfterError('(run with --help for usage)');
  }
  return program;
}
