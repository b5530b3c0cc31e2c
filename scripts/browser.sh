#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser tests (Temporal UI through Playwright), installing it when
# missing and we may. Playwright's own browser download cannot work on these machines: never `playwright install`.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is missing: install Debian's 'chromium' package (needs root)." >&2
  exit 1
fi
