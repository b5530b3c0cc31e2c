#!/usr/bin/env bash
# Installs what is needed and runs the engine on embedded defaults: Temporal dev server with Web UI,
# the worker, a local mail server keeping .eml files, and the SQLite register, all under ./data.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/python run_local.py "$@"
