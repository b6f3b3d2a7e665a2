import { Command } from 'commander';
import { verifyAuditLog } from '../../audit/log.js';
import { CheckFailedError } from '../errors.js';
import type { Io } from '../io.js';
import { addAuditOptions, auditLocation } from './gate.js';

/** `agent-slo audit verify`: 0 intact, 1 tampered (names the first bad record). */
export function auditCommand(io: Io): Command {
  const audit = new Command('audit').description('audit log of gate evaluations, approvals and overrides');
  const verify = new Command('verify').description('verify the hash chain and the anchor: exit 0 intact, 1 tampered (edited, deleted, reordered or truncated records)');
  addAuditOptions(verify).action(async (opts: { auditLog?: string; auditAnchor?: string }) => {
    const loc = auditLocation(opts);
    const result = await verifyAuditLog(loc);
    if (!result.ok) throw new CheckFailedError(`audit log ${loc.log} TAMPERED: ${result.first.problem}`);
    io.out(`audit log ${loc.log} intact: ${result.records.length} record(s)${result.ok && result.head ? `, head seq ${result.head.seq} ${result.head.hash.slice(0, 12)}…` : ''}`);
  });
  audit.addCommand(verify);
  return audit;
}
