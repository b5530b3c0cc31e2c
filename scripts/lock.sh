#!/usr/bin/env bash
# Writes requirements.lock: the production image's dependencies (pyproject's runtime ones and the postgres
# extra), each pinned with its hashes, for the image's Python (3.11, Linux x86_64). The Dockerfile installs
# exactly these with pip --require-hashes. Run it after changing pyproject.toml's dependencies, and commit
# the result; tests/unit/test_image.py checks that the lock still covers pyproject.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install --quiet "uv>=0.5"
.venv/bin/uv pip compile pyproject.toml --extra postgres --generate-hashes --python-version 3.11 \
  --python-platform x86_64-unknown-linux-gnu --index-url https://pypi.org/simple \
  --custom-compile-command "bash scripts/lock.sh" -o requirements.lock
