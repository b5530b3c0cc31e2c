# Sourced by the runbook's scripts: the same FASTHOLD_* settings as the engine (from the environment, or from
# ./fasthold.env in the compose topology) and the tools, from the project's .venv when there is one.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ -n "${FASTHOLD_ENV_FILE:-}" ]; then
  set -a; . "$FASTHOLD_ENV_FILE"; set +a
fi
if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
FASTHOLD=("$PYTHON" -m cli)
TEMPORAL=${TEMPORAL:-$("$PYTHON" -c 'from localrun.binaries import find_binary; print(find_binary("temporal"))' 2>/dev/null || command -v temporal)}
# The temporal CLI reads its connection from TEMPORAL_*: the same as the engine's.
export TEMPORAL_ADDRESS=${FASTHOLD_TEMPORAL_ADDRESS:-localhost:7233}
export TEMPORAL_NAMESPACE=${FASTHOLD_TEMPORAL_NAMESPACE:-default}
[ -n "${FASTHOLD_TEMPORAL_TLS_CERT_FILE:-}" ] && export TEMPORAL_TLS_CERT=$FASTHOLD_TEMPORAL_TLS_CERT_FILE
[ -n "${FASTHOLD_TEMPORAL_TLS_KEY_FILE:-}" ] && export TEMPORAL_TLS_KEY=$FASTHOLD_TEMPORAL_TLS_KEY_FILE
[ -n "${FASTHOLD_TEMPORAL_TLS_CA_FILE:-}" ] && export TEMPORAL_TLS_CA=$FASTHOLD_TEMPORAL_TLS_CA_FILE
[ -n "${FASTHOLD_TEMPORAL_TLS_SERVER_NAME:-}" ] && export TEMPORAL_TLS_SERVER_NAME=$FASTHOLD_TEMPORAL_TLS_SERVER_NAME
[ -n "${FASTHOLD_TEMPORAL_API_KEY:-}" ] && export TEMPORAL_API_KEY=$FASTHOLD_TEMPORAL_API_KEY
true
