import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { anchorPath, verifyAuditLog } from '../../audit/log.js';
import { CheckFailedError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { addAuditOptions, auditLocation, ENV_AUDIT_KEY, ENV_AUDIT_KEY_FILE } from '../audit-options.js';

/** `agent-slo audit verify`: 0 intact, 1 tampered (names the first bad record). */
export function auditCommand(io: Io): Command {
  const audit = new Command('audit').description('audit log of gate evaluations, approvals and overrides');
  const verify = new Command('verify').description('verify the hash chain and the anchor: exit 0 intact, 1 tampered (edited, deleted, reordered or truncated records)');
  addAuditOptions(verify).action(async (opts: { auditLog?: string; auditAnchor?: string; auditKeyFile?: string }) => {
    const loc = auditLocation(opts);
    const result = await verifyAuditLog(loc);
    if (!result.ok && result.first.keyRequired === true) throw new UsageError(`audit log ${loc.log}: ${result.first.problem} (--audit-key-file, $${ENV_AUDIT_KEY_FILE} or $${ENV_AUDIT_KEY})`);
    if (!result.ok) throw new CheckFailedError(`audit log ${loc.log} TAMPERED: ${result.first.problem}`);
    io.out(`audit log ${loc.log} intact: ${result.records.length} record(s)${result.head ? `, head seq ${result.head.seq} ${result.head.hash.slice(0, 12)}…` : ''}`);
    // What the check is worth (docs/security.md): said every time, so a CI log shows it.
    const anchor = anchorPath(loc);
    if (dirname(resolve(anchor)) === dirname(resolve(loc.log))) {
      io.err(`note: the anchor ${anchor} sits beside the log: whoever can write ${dirname(resolve(loc.log))} can truncate the log and re-anchor it undetected; keep the anchor out of the log writer's reach (--audit-anchor, docs/security.md)`);
    }
    if (loc.key === undefined) {
      io.err('note: the log is verified without a key: a writer of the log can recompute every hash (re-chain); key it with --audit-key-file (docs/security.md)');
    } else if (result.records.length > 0 && result.keyed === 0) {
      io.err('note: no record is keyed: the key protects nothing in this log yet (records written from now on are keyed)');
    } else if (result.keyed < result.records.length) {
      io.err(`note: ${String(result.records.length - result.keyed)} record(s) before the first keyed one are unkeyed (they are covered by the keyed record that chains to them)`);
    }
  });
  audit.addCommand(verify);
  return audit;
}
