/** The decision scope options shared by gate, approve and override (and --at for backfill and review). */
import type { Command } from 'commander';
import type { Matcher } from '../conventions.js';
import { parseAt } from '../gate/time.js';
import type { Profile } from '../profile/model.js';
import { parseMatcher } from '../promql/selector.js';
import { UsageError } from './errors.js';
import { loadSelectedProfiles, type ProfileSelection } from './profile-options.js';

/** Commander collector for a repeatable option. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** --selector, --model, --at, audit location: shared by gate, approve and override. */
export function addScopeOptions(c: Command): Command {
  return c
    .option('--selector <k=v>', 'extra label matcher on every series (k=v, k!=v, k=~re, k!~re); repeatable', collect, [])
    .option('--model <name>', 'the model being enabled: labels the decision, scopes approvals/overrides, filters series where the spec says so')
    .option('--at <time>', 'evaluation time: ISO 8601 with zone, Unix seconds, or "now" (default now); makes a decision reproducible');
}

export function parseSelectors(texts: readonly string[]): Matcher[] {
  return texts.map((t) => {
    const m = parseMatcher(t);
    if (m === undefined) throw new UsageError(`--selector "${t}" is not a label matcher like scenario=a, env!=dev or route=~"api.*"`);
    return m;
  });
}

export function parseAtOption(text: string | undefined): number {
  const now = Math.floor(Date.now() / 1000);
  if (text === undefined) return now;
  const at = parseAt(text, now);
  if (at === undefined) throw new UsageError(`--at "${text}" is not a time: use ISO 8601 with a zone (2025-06-08T00:00:00Z), Unix seconds, or "now"`);
  return at;
}

/** Exactly one profile (gate, approve and override work on one profile at a time). */
export async function oneProfile(opts: ProfileSelection): Promise<Profile> {
  if ((opts.spec?.length ?? 0) + (opts.profile?.length ?? 0) !== 1) {
    throw new UsageError('give exactly one of --spec FILE or --profile NAME');
  }
  const [profile] = await loadSelectedProfiles(opts);
  if (profile === undefined) throw new UsageError('no profile selected');
  return profile;
}
