#!/usr/bin/env bash
# Runbook: reprocess a reply the gateway kept without applying it (unknown meeting, unreadable, refused by its
# case, internal error), once the cause is fixed. Run it where the gateway runs, with its settings (compose:
# `docker compose exec gateway fasthold genbehandl ...`). Without a file it lists the kept replies; with one it
# feeds it through the gateway's decision path again, audited under --bruger, and refuses a reply that was
# applied (wholly or partly) or given to the caseworker as a task.
#     deploy/runbook/reprocess-reply.sh                                   # the kept replies
#     deploy/runbook/reprocess-reply.sh 20261204T101500123456-1a2b3c4d-unknown_uid.eml --bruger drift-ab
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"${FASTHOLD[@]}" genbehandl "$@"
