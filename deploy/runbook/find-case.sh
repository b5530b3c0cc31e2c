#!/usr/bin/env bash
# Runbook: find a case by its reference. Its workflow in Temporal (the CaseReference search attribute, as in
# Temporal UI's query `CaseReference = "SAG-2026-0001"`), then its state as the caseworker sees it.
#     deploy/runbook/find-case.sh SAG-2026-0001
set -euo pipefail
reference=${1:?usage: find-case.sh REFERENCE}
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
found=$("$TEMPORAL" workflow list --query "CaseReference = \"$reference\"")
if ! grep -q CaseWorkflow <<<"$found"; then
  echo "Ingen sag med referencen $reference i Temporal ($TEMPORAL_ADDRESS, navnerum $TEMPORAL_NAMESPACE)." >&2
  exit 1
fi
echo "$found"
echo
"${FASTHOLD[@]}" status "$reference"
