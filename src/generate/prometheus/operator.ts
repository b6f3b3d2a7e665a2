/**
 * Optional output for Kubernetes: the profile's rule groups as a prometheus-operator `PrometheusRule` resource
 * (monitoring.coreos.com/v1), the same groups as rules/<profile>/rules.yaml.
 */
import { Document } from 'yaml';
import { commentLine } from '../../escape.js';
import type { Profile } from '../../profile/model.js';
import { profileRuleGroups } from './rules.js';
import { groupObject } from './rules-file.js';
import { GENERATED_NOTICE, type GeneratedFile } from '../types.js';

export function prometheusRulePath(profile: string): string {
  return `rules/${profile}/prometheusrule.yaml`;
}

/** The PrometheusRule resource as data. */
export function prometheusRuleResource(profile: Profile): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: `agent-slo-${profile.name}`,
      labels: { 'app.kubernetes.io/name': 'agent-slo', 'app.kubernetes.io/component': 'slo-rules', 'agent-slo/profile': profile.name },
    },
    spec: { groups: profileRuleGroups(profile).map(groupObject) },
  };
}

export function generatePrometheusRule(profile: Profile, specPath: string): GeneratedFile {
  const doc = new Document(prometheusRuleResource(profile));
  doc.commentBefore = ` ${GENERATED_NOTICE}\n Source: ${commentLine(specPath)} (profile ${profile.name}). Same groups as ${`rules/${profile.name}/rules.yaml`}.`;
  return { path: prometheusRulePath(profile.name), content: doc.toString({ lineWidth: 0, indent: 2 }) };
}
