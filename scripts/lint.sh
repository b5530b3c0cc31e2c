#!/usr/bin/env bash
# Lint, format check and type check (configured in pyproject.toml: [tool.ruff], [tool.mypy]); .ci/run runs it
# before the tests. Each tool's findings are counted against scripts/lint-baseline, the findings the code had
# when the tools came in: more than that fails (nothing new gets in), fewer says to lower the baseline.
# LINT_STRICT=1 allows none. Prints every finding, then one summary table.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh >/dev/null || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Exit 1 means findings; anything else (2: a bad configuration, a crash; 127: no such tool) is a broken run,
# which must never pass as "no findings".
run() {
  local name=$1; shift
  "$@" >"$out/$name" 2>&1
  local code=$?
  if [ "$code" -gt 1 ]; then
    cat "$out/$name"
    echo "lint: '$*' did not run (exit $code)" >&2
    exit 2
  fi
}
run check .venv/bin/ruff check --output-format concise .
run format .venv/bin/ruff format --check --output-format concise .
run mypy .venv/bin/mypy

check=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: ' "$out/check")
format=$(grep -c " unformatted: " "$out/format")
types=$(grep -cE '^[^ ]+:[0-9]+: error: ' "$out/mypy")

allowed() {  # the baseline's number for a tool (0 under LINT_STRICT=1)
  if [ "${LINT_STRICT:-0}" = 1 ]; then echo 0; return; fi
  awk -v tool="$1" '$1 == tool { print $2 }' scripts/lint-baseline
}

for tool in check format mypy; do
  echo "=== $tool"
  cat "$out/$tool"
done

status=0
echo
echo "lint summary (scripts/lint-baseline: the findings allowed, none today)"
printf '  %-34s %9s %9s  %s\n' "tool" "findings" "allowed" "verdict"
row() {
  local name=$1 tool=$2 found=$3 limit verdict
  limit=$(allowed "$tool")
  if [ "$found" -gt "$limit" ]; then
    verdict="FAIL: $((found - limit)) new"
    status=1
  elif [ "$found" -lt "$limit" ]; then
    verdict="ok: $((limit - found)) fewer, lower scripts/lint-baseline to $found"
  else
    verdict="ok"
  fi
  printf '  %-34s %9s %9s  %s\n' "$name" "$found" "$limit" "$verdict"
}
row "ruff check (lint)" check "$check"
row "ruff format --check (files)" format "$format"
row "mypy --strict (domain, case_service)" mypy "$types"
exit $status
