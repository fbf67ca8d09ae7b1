#!/usr/bin/env bash
# Installs the command-line tools the tests need from Debian's packages, only when one is missing:
# kubectl (renders the k8s/ overlays; carries kustomize), prometheus (promtool and the server the
# alert-rule test runs), chromium and fonts-noto-cjk (the browser test of the HTML pages, with
# Chinese text). A no-op when everything is there; needs root (or sudo) only when it installs.
set -euo pipefail
declare -A package_of=(
  [kubectl]=kubectl
  [promtool]=prometheus
  [prometheus]=prometheus
  [chromium]=chromium
)
missing=()
for tool in "${!package_of[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
if ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then missing+=(fonts-noto-cjk); fi
if ((${#missing[@]} == 0)); then exit 0; fi
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
echo "[tools] installing from Debian: $packages" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
