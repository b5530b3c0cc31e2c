#!/usr/bin/env bash
# Makes PostgreSQL's server binaries available for the register tests (Debian's package), installing them
# when missing and we may. The tests start their own throw-away server with these binaries.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
else
  echo "PostgreSQL server binaries are missing: install Debian's 'postgresql' package (needs root)." >&2
  exit 1
fi
