"""The engine as the README's run command starts it (`python run_local.py`), on free ports and its own data
directory, for the end-to-end tests that drive it as a user would."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import free_port
from tests.eventually import eventually

ROOT = Path(__file__).resolve().parents[2]
FASTHOLD = [sys.executable, "-m", "cli"]


class Engine:
    """`python run_local.py` in the background with its own data directory and ports."""

    def __init__(self, data_dir: Path):
        self.env = {
            **os.environ,
            "FASTHOLD_DATA_DIR": str(data_dir),
            "FASTHOLD_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
            "FASTHOLD_TEMPORAL_UI_PORT": str(free_port()),
            "FASTHOLD_SMTP_PORT": str(free_port()),
            "FASTHOLD_GATEWAY_PORT": str(free_port()),
            "FASTHOLD_CODEC_PORT": str(free_port()),
            "FASTHOLD_WEB_PORT": str(free_port()),
            "PYTHONUNBUFFERED": "1",
        }
        self.mail_dir = data_dir / "mail"
        self.process: subprocess.Popen | None = None
        self.output = ""

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "run_local.py"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 90
        self.output = ""
        while "Stop alt med Ctrl-C" not in self.output:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                raise AssertionError(f"the engine stopped:\n{self.output}")
            self.output += line
            if time.monotonic() > deadline:
                raise AssertionError(f"the engine did not start:\n{self.output}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        # Generous: late in the full suite a Ctrl-C'd run has taken more than 60 s to stop (twice, at the same
        # test; alone it stops in seconds). Why is not yet known; the closing note of 5 Dec 2026 records it.
        rest, _ = self.process.communicate(timeout=240)
        self.output += rest
        return self.process.returncode

    def cli(self, *args: str, expect: int = 0) -> str:
        result = subprocess.run([*FASTHOLD, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60)
        assert result.returncode == expect, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        return result.stdout + result.stderr

    def mails(self) -> list:
        return [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(self.mail_dir.glob("*.eml"))
        ]

    def wait_for(self, which, count: int, timeout: float = 30) -> list:
        """The mails `which` picks out, once there are `count` of them (other mails may come in between)."""
        return eventually(
            lambda: which(self.mails()),
            until=lambda found: len(found) >= count,
            timeout=timeout,
            what=f"{count} such mails",
            show=lambda found: f"{len(found)} such mails",
        )

    def wait_for_mails(self, count: int, timeout: float = 30) -> list:
        return eventually(
            self.mails,
            until=lambda mails: len(mails) >= count,
            timeout=timeout,
            what=f"{count} mails",
            show=lambda mails: f"{len(mails)} mails",
        )

    @property
    def web(self) -> str:
        return f"http://127.0.0.1:{self.env['FASTHOLD_WEB_PORT']}"

    @property
    def local_password(self) -> str:
        return (Path(self.env["FASTHOLD_DATA_DIR"]) / "local-password.txt").read_text(encoding="utf-8").strip()
