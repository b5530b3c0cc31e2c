#!/usr/bin/env bash
# Runbook: replay a case's history against this code, with this machine's payload keys. After a code change
# (before the workers get it), or to understand a failed workflow task. The history is kept in the file (still
# encrypted, as Temporal stores it); to keep it as a regression test, copy it into tests/histories/ as
# <what it shows>--<workflow id>.json.
#     deploy/runbook/replay-case.sh SAG-2026-0001 [history.json]
set -euo pipefail
reference=${1:?usage: replay-case.sh REFERENCE [FILE]}
file=${2:-history-$reference.json}
case $file in /*) ;; *) file="$PWD/$file" ;; esac
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"${FASTHOLD[@]}" historik "$reference" --fil "$file"
"${FASTHOLD[@]}" genafspil "$file"
