/**
 * The notification template file: Slack title/text/colour/footer showing, per alert, the metric, the observed value,
 * the threshold, the window and the runbook (the annotations every generated alert carries), plus owner, channel and
 * escalation target. Webhook receivers get Alertmanager's fixed JSON, which carries the same labels and annotations.
 */
import {
  AM_TEMPLATE_PREFIX,
  ANNOTATION_DESCRIPTION,
  ANNOTATION_METRIC,
  ANNOTATION_OBSERVED,
  ANNOTATION_RUNBOOK_URL,
  ANNOTATION_SUMMARY,
  ANNOTATION_THRESHOLD,
  ANNOTATION_WINDOW,
  LABEL_ALERT_KIND,
  LABEL_CHANNEL,
  LABEL_ESCALATION,
  LABEL_OBJECTIVE,
  LABEL_OWNER,
  LABEL_PROFILE,
  LABEL_SEVERITY,
} from '../../conventions.js';
import { GENERATED_NOTICE } from '../types.js';

/** Names of the templates the file defines. */
export const AM_TEMPLATES = {
  title: `${AM_TEMPLATE_PREFIX}.slack.title`,
  text: `${AM_TEMPLATE_PREFIX}.slack.text`,
  color: `${AM_TEMPLATE_PREFIX}.slack.color`,
  footer: `${AM_TEMPLATE_PREFIX}.slack.footer`,
  runbook: `${AM_TEMPLATE_PREFIX}.runbook`,
  alert: `${AM_TEMPLATE_PREFIX}.alert`,
} as const;

/** `{{ template "name" . }}` */
export function useTemplate(name: string): string {
  return `{{ template "${name}" . }}`;
}

const label = (name: string): string => `(index .Labels "${name}")`;
const common = (name: string): string => `(index .CommonLabels "${name}")`;
const ann = (name: string): string => `(index .Annotations "${name}")`;

/** The template file text for a profile (the same for every profile; the profile name is only in the header). */
export function renderTemplateFile(profileName: string): string {
  const t = AM_TEMPLATES;
  return `{{/* ${GENERATED_NOTICE} Profile: ${profileName}. */}}

{{ define "${t.title}" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ ${common(LABEL_SEVERITY)} }} {{ ${common(LABEL_PROFILE)} }}/{{ ${common(LABEL_OBJECTIVE)} }} {{ .CommonLabels.alertname }}{{ end }}

{{ define "${t.runbook}" }}{{ (index .Alerts 0).Annotations.${ANNOTATION_RUNBOOK_URL} }}{{ end }}

{{ define "${t.alert}" }}*{{ ${ann(ANNOTATION_SUMMARY)} }}*
{{ ${ann(ANNOTATION_DESCRIPTION)} }}
• Metric: \`{{ ${ann(ANNOTATION_METRIC)} }}\`
• Observed: {{ ${ann(ANNOTATION_OBSERVED)} }}
• Threshold: {{ ${ann(ANNOTATION_THRESHOLD)} }}
• Window: {{ ${ann(ANNOTATION_WINDOW)} }}
• Severity: {{ ${label(LABEL_SEVERITY)} }} ({{ ${label(LABEL_ALERT_KIND)} }})
• Owner: {{ ${label(LABEL_OWNER)} }} in {{ ${label(LABEL_CHANNEL)} }}{{ if ${label(LABEL_ESCALATION)} }}
• Escalated to: {{ ${label(LABEL_ESCALATION)} }}{{ end }}
• Runbook: {{ ${ann(ANNOTATION_RUNBOOK_URL)} }}
• Since: {{ .StartsAt.Format "2006-01-02 15:04:05 MST" }}{{ if eq .Status "resolved" }}, resolved {{ .EndsAt.Format "2006-01-02 15:04:05 MST" }}{{ end }}
{{ end }}

{{ define "${t.text}" }}{{ range .Alerts.Firing }}{{ template "${t.alert}" . }}
{{ end }}{{ if .Alerts.Resolved }}Resolved:
{{ range .Alerts.Resolved }}{{ template "${t.alert}" . }}
{{ end }}{{ end }}{{ end }}

{{ define "${t.color}" }}{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}{{ end }}

{{ define "${t.footer}" }}agent-slo · receiver {{ .Receiver }}{{ end }}
`;
}
