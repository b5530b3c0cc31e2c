#!/bin/sh
# One-shot (docker-compose.yml, service temporal-namespace, on temporalio/admin-tools): the namespace the
# engine runs in, with the retention of closed cases' histories set from TEMPORAL_NAMESPACE_RETENTION
# (fasthold.env). Creates it, or sets the retention of an existing one, so a changed setting takes effect.
set -eu
: "${NAMESPACE:?}" "${RETENTION:?}"
address=temporal:7233
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do sleep 2; done
if temporal operator namespace describe -n "$NAMESPACE" --address "$address" >/dev/null 2>&1; then
  temporal operator namespace update -n "$NAMESPACE" --retention "$RETENTION" --address "$address"
else
  temporal operator namespace create -n "$NAMESPACE" --retention "$RETENTION" --address "$address"
fi
echo "namespace $NAMESPACE: histories of closed cases kept $RETENTION"
