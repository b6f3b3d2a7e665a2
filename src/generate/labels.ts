/** Labels and annotations every generated alert carries. */
import {
  ANNOTATION_DESCRIPTION,
  ANNOTATION_METRIC,
  ANNOTATION_OBSERVED,
  ANNOTATION_RUNBOOK_URL,
  ANNOTATION_SUMMARY,
  ANNOTATION_THRESHOLD,
  ANNOTATION_WINDOW,
  type AlertKind,
  LABEL_ALERT_KIND,
  LABEL_CHANNEL,
  LABEL_OBJECTIVE,
  LABEL_OWNER,
  LABEL_PROFILE,
  LABEL_SEVERITY,
  LABEL_TEAM,
} from '../conventions.js';
import { goTemplateLiteral } from '../escape.js';
import type { Objective } from '../profile/model.js';

/** Alert labels are templates too: every value is escaped (owner, channel and severity are user text). */
export function alertLabels(profile: string, o: Objective, kind: AlertKind, severity: string, extra: Record<string, string> = {}): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_SEVERITY]: severity,
    [LABEL_PROFILE]: profile,
    [LABEL_OBJECTIVE]: o.name,
    [LABEL_OWNER]: o.owner,
    [LABEL_TEAM]: o.team,
    [LABEL_CHANNEL]: o.channel,
    [LABEL_ALERT_KIND]: kind,
    ...extra,
  };
  for (const k of Object.keys(labels)) labels[k] = goTemplateLiteral(labels[k]!);
  return labels;
}

export interface AnnotationText {
  readonly summary: string;
  readonly description: string;
  readonly observed: string;
  readonly threshold: string;
  readonly window: string;
}

/** `t` is template source: user text in it must already be escaped with goTemplateLiteral. */
export function alertAnnotations(o: Objective, t: AnnotationText): Record<string, string> {
  return {
    [ANNOTATION_SUMMARY]: t.summary,
    [ANNOTATION_DESCRIPTION]: t.description,
    [ANNOTATION_METRIC]: o.name,
    [ANNOTATION_OBSERVED]: t.observed,
    [ANNOTATION_THRESHOLD]: t.threshold,
    [ANNOTATION_WINDOW]: t.window,
    [ANNOTATION_RUNBOOK_URL]: goTemplateLiteral(o.runbookUrl),
  };
}
