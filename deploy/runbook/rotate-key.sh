#!/usr/bin/env bash
# Runbook: rotate the payload key in two rolling restarts, so that no process ever meets a key it lacks.
#     deploy/runbook/rotate-key.sh fasthold.env 2026-12 add        # 1: the new key, as a previous key
#     (restart every process: workers, gateway, codec server, web, setup; and use the file for the CLI)
#     deploy/runbook/rotate-key.sh fasthold.env 2026-12 activate   # 2: the new key encrypts, the old decrypts
#     (restart every process again)
# Keep the old key listed for as long as histories written with it are kept (running cases, plus the
# namespace's retention period). The env file is edited in place; a copy is kept as <file>.before-<step>.
set -euo pipefail
file=${1:?usage: rotate-key.sh ENV_FILE NEW_KEY_ID add|activate}
new_id=${2:?usage: rotate-key.sh ENV_FILE NEW_KEY_ID add|activate}
step=${3:?usage: rotate-key.sh ENV_FILE NEW_KEY_ID add|activate}
case $file in /*) ;; *) file="$PWD/$file" ;; esac
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec "$PYTHON" - "$file" "$new_id" "$step" <<'PY'
import base64, os, re, sys
from pathlib import Path

path, new_id, step = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
text = original = path.read_text(encoding="utf-8")

def get(key):
    match = re.search(rf"^{key}=\"?([^\"\n]*)\"?$", text, re.M)
    return match.group(1) if match else ""

def put(key, value):
    global text
    line = f'{key}="{value}"'
    if re.search(rf"^{key}=", text, re.M):
        text = re.sub(rf"^{key}=.*$", lambda _: line, text, flags=re.M)
    else:
        text += ("" if text.endswith("\n") else "\n") + line + "\n"

current, current_id = get("FASTHOLD_PAYLOAD_KEY"), get("FASTHOLD_PAYLOAD_KEY_ID") or "fasthold-aesgcm-v1"
previous = dict(item.split("=", 1) for item in filter(None, get("FASTHOLD_PAYLOAD_PREVIOUS_KEYS").split(",")))
if not current:
    sys.exit(f"{path}: FASTHOLD_PAYLOAD_KEY er tom; en nøgle kan kun skiftes, når alle processer har den samme.")
if step == "add":
    if new_id == current_id or new_id in previous:
        sys.exit(f"{path}: nøgle-id'et {new_id} er allerede i brug; vælg et nyt (fx året og måneden).")
    previous[new_id] = base64.b64encode(os.urandom(32)).decode()
    put("FASTHOLD_PAYLOAD_PREVIOUS_KEYS", ",".join(f"{k}={v}" for k, v in previous.items()))
    print(f"Den nye nøgle {new_id} er tilføjet som tidligere nøgle. Genstart alle processer, og kør derefter:\n"
          f"  deploy/runbook/rotate-key.sh {sys.argv[1]} {new_id} activate")
elif step == "activate":
    if new_id not in previous:
        sys.exit(f"{path}: nøglen {new_id} er ikke tilføjet endnu; kør først: rotate-key.sh {sys.argv[1]} {new_id} add")
    new_key = previous.pop(new_id)
    previous = {current_id: current, **previous}
    put("FASTHOLD_PAYLOAD_KEY", new_key)
    put("FASTHOLD_PAYLOAD_KEY_ID", new_id)
    put("FASTHOLD_PAYLOAD_PREVIOUS_KEYS", ",".join(f"{k}={v}" for k, v in previous.items()))
    print(f"Nøglen {new_id} krypterer nu; {current_id} dekrypterer kun. Genstart alle processer.")
else:
    sys.exit(f"Ukendt trin {step!r}: add eller activate.")
backup = path.with_name(f"{path.name}.before-{step}")   # only for a step that changes the file
backup.write_text(original, encoding="utf-8")
backup.chmod(path.stat().st_mode & 0o777)
path.write_text(text, encoding="utf-8")
PY
