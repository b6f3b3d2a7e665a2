import { type Command, Option } from 'commander';
import { loadProfile } from '../profile/load.js';
import type { Profile } from '../profile/model.js';
import { UsageError } from './errors.js';
import { SHIPPED_PROFILES, shippedProfilePath } from '../profile/shipped.js';

/** Adds the profile-selection options (--spec files, --profile names, --overlay) shared by every command that reads profiles. */
export function addProfileOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --spec <file...>', 'SLO spec file(s) to use (- reads one from stdin)'))
    .addOption(new Option('-p, --profile <name...>', `shipped profile(s) to use: ${SHIPPED_PROFILES.join(', ')}`))
    .addOption(new Option('--overlay <file...>', 'environment overlay(s) merged over each spec (same shape; objectives merged by name)'));
}

export interface ProfileSelection {
  spec?: string[];
  profile?: string[];
  overlay?: string[];
}

/** The spec files of the profiles a command should read: --spec files, --profile names, or all shipped profiles. */
export function selectedProfileFiles(opts: ProfileSelection, positional: readonly string[] = []): string[] {
  const files = [...positional, ...(opts.spec ?? [])];
  for (const name of opts.profile ?? []) {
    if (!(SHIPPED_PROFILES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown profile "${name}"; shipped profiles: ${SHIPPED_PROFILES.join(', ')} (or give a file with --spec)`);
    }
    files.push(shippedProfilePath(name));
  }
  return files.length > 0 ? files : SHIPPED_PROFILES.map(shippedProfilePath);
}

/** Loads the selected profiles; SpecError propagates (exit 65; 66 for a file that cannot be read). */
export async function loadSelectedProfiles(opts: ProfileSelection, positional: readonly string[] = []): Promise<Profile[]> {
  const out: Profile[] = [];
  for (const file of selectedProfileFiles(opts, positional)) out.push(await loadProfile(file, opts.overlay ?? []));
  return out;
}
