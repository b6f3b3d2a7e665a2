/** Demo step: generate the artifacts of both shipped profiles (and the live overlay's rules) with the generators. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { generateAlertmanager, alertmanagerPaths } from '../generate/alertmanager/config.js';
import { generateDashboards } from '../generate/grafana/dashboards.js';
import { generateRuleFile, profileRuleGroups } from '../generate/prometheus/rules.js';
import type { RuleGroup } from '../generate/prometheus/rule-types.js';
import type { GeneratedFile } from '../generate/types.js';
import type { Profile } from '../profile/model.js';
import { liveRuleFile } from './live-profile.js';

export interface ProfileArtifacts {
  readonly profile: Profile;
  readonly ruleFile: string;
  readonly ruleGroups: readonly RuleGroup[];
  readonly alertmanagerConfig: string;
  readonly alertmanagerTemplate: string;
  readonly files: number;
}

async function write(root: string, files: readonly GeneratedFile[]): Promise<void> {
  for (const f of files) {
    const path = join(root, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content, 'utf8');
  }
}

/** Writes rules, Alertmanager config and dashboards of `profile` under `root`. */
export async function generateProfileArtifacts(root: string, profile: Profile, opts: { live?: boolean } = {}): Promise<ProfileArtifacts> {
  const specFile = profile.files[0] ?? profile.name;
  const rules = generateRuleFile(profile, relative(process.cwd(), specFile) || specFile);
  const files: GeneratedFile[] = [opts.live === true ? { ...rules, content: liveRuleFile(rules.content) } : rules, ...generateAlertmanager(profile)];
  if (opts.live !== true) files.push(...generateDashboards(profile));
  await write(root, files);
  const am = alertmanagerPaths(profile.name);
  return {
    profile,
    ruleFile: join(root, rules.path),
    ruleGroups: profileRuleGroups(profile),
    alertmanagerConfig: join(root, am.config),
    alertmanagerTemplate: join(root, am.template),
    files: files.length,
  };
}
