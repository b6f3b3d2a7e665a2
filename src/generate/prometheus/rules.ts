/** A profile's rule groups (one per objective, evaluated in order) and its rule file. */
import { ruleGroupName } from '../../conventions.js';
import type { Objective, Profile } from '../../profile/model.js';
import { escalationAlerts, noDataAlert, thresholdAlerts } from './alerts.js';
import { budgetExhaustedAlert, budgetRecordingRules, burnRateAlerts } from './burn-rate.js';
import { objectiveComponents } from '../components.js';
import { recordingRules, stateRule } from './recording.js';
import type { Rule, RuleGroup } from './rule-types.js';
import { renderRuleFile } from './rules-file.js';
import { GENERATED_NOTICE, type GeneratedFile } from '../types.js';
import { ruleIntervalSeconds } from '../windows.js';

/** The rule group of one objective: recording rules first (alerts in the same group read this evaluation's values). */
export function objectiveRuleGroup(profile: Profile, objective: Objective): RuleGroup {
  const c = objectiveComponents(profile, objective);
  const burn = burnRateAlerts(c);
  const exhausted = budgetExhaustedAlert(c);
  const noData = noDataAlert(c);
  const rules: Rule[] = [
    ...recordingRules(c),
    ...budgetRecordingRules(c),
    stateRule(c),
    ...thresholdAlerts(c),
    ...burn.rules,
    ...(exhausted === undefined ? [] : [exhausted]),
    ...(noData === undefined ? [] : [noData]),
    ...escalationAlerts(c),
  ];
  const comments = [`${objective.title} (${objective.name}): ${objective.sli.kind} SLI, owner ${objective.owner}, channel ${objective.channel}`, ...burn.comments];
  return { name: ruleGroupName(profile.name, objective.name), intervalSeconds: ruleIntervalSeconds(objective), rules, comments };
}

export function profileRuleGroups(profile: Profile): RuleGroup[] {
  return profile.objectives.map((o) => objectiveRuleGroup(profile, o));
}

/** Path of a profile's rule file relative to the output root. */
export function ruleFilePath(profile: string): string {
  return `rules/${profile}/rules.yaml`;
}

export function ruleFileHeader(profile: Profile, specPath: string): string[] {
  return [GENERATED_NOTICE, `Source: ${specPath} (profile ${profile.name}: ${profile.title})`, 'One group per objective, evaluated every 1m (alert windows up to 1h) or 5m; long windows sum the recorded 5m rates x the interval over [W - 1s] (Prometheus 2 ranges include both ends); windows of 7d and more sum the hourly roll-up (increase1h) plus the last hour (docs/counting.md).'];
}

export function generateRuleFile(profile: Profile, specPath: string): GeneratedFile {
  return { path: ruleFilePath(profile.name), content: renderRuleFile(ruleFileHeader(profile, specPath), profileRuleGroups(profile)) };
}
