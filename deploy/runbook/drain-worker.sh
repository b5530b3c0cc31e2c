#!/usr/bin/env bash
# Runbook: drain a worker and stop it (before an upgrade, or to move it). SIGTERM makes it stop polling and
# let running activities finish (up to 20 s); its cases move to the other workers, nothing is lost. Start
# it again with the same settings (`python worker.py`; compose: `docker compose restart worker` does both).
#     deploy/runbook/drain-worker.sh PID
set -euo pipefail
pid=${1:?usage: drain-worker.sh PID}
kill -TERM "$pid"
for _ in $(seq 1 60); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "Arbejderen $pid er drænet og stoppet."
    exit 0
  fi
  sleep 0.5
done
echo "Arbejderen $pid er ikke stoppet efter 30 sekunder." >&2
exit 1
