#!/usr/bin/env bash
# Installs what is needed and runs the whole test suite (unit, integration, end-to-end).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bash scripts/lint.sh      # ruff (lint, format check) and mypy: nothing beyond scripts/lint-baseline
bash scripts/postgres.sh
bash scripts/browser.sh
bash scripts/prometheus.sh
# Hypothesis tries many inputs here (the CI profile, tests/conftest.py); a plain pytest run while developing tries few.
export FASTHOLD_HYPOTHESIS_PROFILE=${FASTHOLD_HYPOTHESIS_PROFILE:-ci}
exec .venv/bin/python -m pytest "$@"
