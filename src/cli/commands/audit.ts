import { Command } from 'commander';
import { verifyAuditLog } from '../../audit/log.js';
import { CheckFailedError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { addAuditOptions, type AuditFlags, auditLocation, auditTrustNotes, ENV_AUDIT_KEY, ENV_AUDIT_KEY_FILE } from '../audit-options.js';

/** `agent-slo audit verify`: 0 intact, 1 tampered (names the first bad record). */
export function auditCommand(io: Io): Command {
  const audit = new Command('audit').description('audit log of gate evaluations, approvals and overrides');
  const verify = new Command('verify').description('verify the hash chain and the anchor: exit 0 intact, 1 tampered (edited, deleted, reordered or truncated records)');
  addAuditOptions(verify).action(async (opts: AuditFlags) => {
    const loc = auditLocation(opts);
    const result = await verifyAuditLog(loc);
    if (!result.ok && result.first.keyRequired === true) throw new UsageError(`audit log ${loc.log}: ${result.first.problem} (--audit-key-file, $${ENV_AUDIT_KEY_FILE} or $${ENV_AUDIT_KEY})`);
    if (!result.ok) throw new CheckFailedError(`audit log ${loc.log} TAMPERED: ${result.first.problem}`);
    io.out(`audit log ${loc.log} intact: ${result.records.length} record(s)${result.head ? `, head seq ${result.head.seq} ${result.head.hash.slice(0, 12)}…` : ''}`);
    // What the check is worth (docs/security.md): said every time, so a CI log shows it.
    for (const note of auditTrustNotes(loc)) io.err(`note: ${note}`);
    if (loc.key !== undefined && result.records.length > 0 && result.keyed === 0) {
      io.err('note: no record is keyed: the key protects nothing in this log yet (records written from now on are keyed)');
    } else if (loc.key !== undefined && result.keyed < result.records.length) {
      io.err(`note: ${String(result.records.length - result.keyed)} record(s) before the first keyed one are unkeyed (they are covered by the keyed record that chains to them)`);
    }
  });
  audit.addCommand(verify);
  return audit;
}
