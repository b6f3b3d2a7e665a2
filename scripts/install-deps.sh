#!/usr/bin/env bash
# Installs what agent-slo's demo and tests run against, from Debian's packages: Prometheus 2 (+ promtool),
# Alertmanager (+ amtool), VictoriaMetrics (vmalert, a second rule engine), docker-compose (config validation
# only), openssl (TLS fault tests) and chromium + DejaVu fonts (the status page's browser tests, headless). Run as root (or with sudo). Node.js >= 20.19 and npm must already be there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends prometheus prometheus-alertmanager victoria-metrics docker-compose openssl ca-certificates chromium fonts-dejavu-core
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("agent-slo needs Node.js >= 20.19, found "+process.versions.node); process.exit(1) }'
echo "install-deps: ok (prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}'), alertmanager $(prometheus-alertmanager --version 2>&1 | head -1 | awk '{print $3}'), node $(node --version))"
