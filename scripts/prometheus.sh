#!/usr/bin/env bash
# Makes Prometheus (Debian's package) available for the monitoring tests: `promtool` checks deploy/prometheus/,
# and the server evaluates the dashboard's queries against a scrape of the engine. Installs it when missing and
# we may; the package must not start a system Prometheus (the tests start their own, on free ports).
set -euo pipefail
if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
else
  echo "Prometheus is missing: install Debian's 'prometheus' package (needs root)." >&2
  exit 1
fi
