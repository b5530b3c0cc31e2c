#!/usr/bin/env bash
# Installs what is needed and runs the whole test suite (unit, integration, end-to-end).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bash scripts/postgres.sh
bash scripts/browser.sh
bash scripts/prometheus.sh
exec .venv/bin/python -m pytest "$@"
