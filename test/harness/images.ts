/**
 * Container images of the stack, pinned to exact versions: the one home of these pins for the testcontainers
 * launcher (containers.ts). docker-compose.yml spells the same tags; test/deploy/compose.test.ts keeps them equal.
 *
 * - Collector: the official contrib distribution on the release train of collector-config/builder-config.yaml
 *   (v0.161.0), so the shipped otelcol.yaml means the same thing in the container as in the locally built binary.
 * - Prometheus: 3.16.0, the Prometheus 3 that collector-config/build-prometheus3.sh builds and the Prometheus 3
 *   tests run the rules and gate against (CI also runs them on Debian's 2.42). Prometheus 3 is the current major
 *   and has the OTLP receiver; the generated rules accept both 2.x and 3.x `le` spellings.
 * - Alertmanager: 0.25.0, the version of Debian bookworm's package that `amtool check-config` and the delivery
 *   tests verify the generated configuration with.
 * - Grafana: 12.1.0 (provisioned datasource and file-provisioned dashboards; JSON dashboard schema of 12.x).
 * - Node: 24.21.0-slim for the demo runtime container: an LTS line OpenTelemetry JS 3 supports (Node 20 is past end of
 *   life), the same release as the Node 24 test leg (test/otel3), which runs the demo runtime script.
 */
export const STACK_IMAGES = {
  collector: 'otel/opentelemetry-collector-contrib:0.161.0',
  prometheus: 'prom/prometheus:v3.16.0',
  alertmanager: 'prom/alertmanager:v0.25.0',
  grafana: 'grafana/grafana:12.1.0',
  node: 'node:24.21.0-slim',
} as const;

export type StackImage = keyof typeof STACK_IMAGES;
