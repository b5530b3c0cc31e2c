"""The embedded run (`python run_local.py`) at its edges: it honours the gateway's trust setting, its dev server
dies with it (kill -9 included), and it refuses to attach to a server it did not start."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.e2e.engine import ROOT, Engine
from tests.eventually import eventually


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append((int(entry.name), cmdline))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_trust_setting_is_honoured_and_the_dev_server_dies_with_the_run(tmp_path):
    engine = Engine(tmp_path / "data")
    engine.env["FASTHOLD_GATEWAY_TRUST_LOOPBACK"] = "false"
    engine.start()
    try:
        assert "ingen betroet mailserver" in engine.output
        assert "stoler på svar, der afleveres fra denne maskine" not in engine.output
        [server] = [pid for pid, cmd in children(engine.process.pid) if "start-dev" in cmd]
        assert alive(server)
        engine.process.send_signal(signal.SIGKILL)
        engine.process.wait(timeout=10)
        eventually(lambda: not alive(server), timeout=30, what="the dev server ended with the run that started it")
    finally:
        if engine.process.poll() is None:
            engine.process.kill()


def test_the_default_embedded_run_trusts_loopback_and_says_so(tmp_path):
    engine = Engine(tmp_path / "data")
    engine.env.pop("FASTHOLD_GATEWAY_TRUST_LOOPBACK", None)
    engine.start()
    try:
        assert "stoler på svar, der afleveres fra denne maskine" in engine.output
    finally:
        engine.stop()


def test_a_server_already_on_the_address_is_not_attached_to(tmp_path):
    env = Engine(tmp_path / "data").env
    host, _, port = env["FASTHOLD_TEMPORAL_ADDRESS"].rpartition(":")
    with socket.socket() as other:  # someone else's server (or an orphan) on the address
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.bind((host, int(port)))
        other.listen()
        result = subprocess.run(
            [sys.executable, "run_local.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert "kører allerede noget på" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "temporal.db").exists()
