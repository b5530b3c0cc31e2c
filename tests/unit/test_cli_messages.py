"""The command line names the cause, in Danish, for the person at a terminal: which file cannot be read, which
setting lacks its partner; a closed pipe ends it quietly; global options work after the subcommand too (as
the runbook writes them). Each through the real `fasthold` process, with no engine running."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import parser

ROOT = Path(__file__).resolve().parents[2]


def fasthold(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "FASTHOLD_TEMPORAL_ADDRESS": "127.0.0.1:1", **env},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--bruger", "ab", "status", "SAG-1"],
        ["status", "SAG-1", "--bruger", "ab"],
        ["status", "--bruger", "ab", "SAG-1"],
    ],
)
def test_global_options_before_or_after_the_subcommand(args):
    parsed = parser().parse_args(args)
    assert (parsed.bruger, parsed.reference, parsed.kommune) == ("ab", "SAG-1", None)


def test_an_option_before_the_subcommand_is_kept_when_none_follows_it():
    parsed = parser().parse_args(["--kommune", "102", "svar", "SAG-1", "--email", "a@example.com", "--svar", "ja"])
    assert parsed.kommune == "102" and parsed.bruger is None


def test_a_missing_ca_file_is_named_not_an_engine_that_is_down(tmp_path):
    done = fasthold("status", "SAG-1", FASTHOLD_TEMPORAL_TLS_CA_FILE=str(tmp_path / "ca.pem"))
    assert done.returncode == 1
    assert f"Kan ikke læse filen {tmp_path / 'ca.pem'} (FASTHOLD_TEMPORAL_TLS_CA_FILE)" in done.stderr
    assert "Kører motoren" not in done.stderr and "Traceback" not in done.stderr


def test_a_certificate_without_its_key_is_named(tmp_path):
    done = fasthold("status", "SAG-1", FASTHOLD_TEMPORAL_TLS_CERT_FILE=str(tmp_path / "client.pem"))
    assert done.returncode == 1 and "nøglen mangler" in done.stderr and "FASTHOLD_TEMPORAL_TLS_KEY_FILE" in done.stderr


def test_an_engine_that_is_down_is_still_told_as_such():
    done = fasthold("status", "SAG-1")
    assert done.returncode == 1 and "Kan ikke forbinde til Temporal på 127.0.0.1:1" in done.stderr


def test_a_closed_pipe_ends_quietly():
    """`fasthold skema | head -1`: the reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cli", "skema"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr == ""


def test_a_replay_of_a_file_that_is_not_there_names_it(tmp_path):
    done = fasthold("genafspil", str(tmp_path / "history.json"))
    assert done.returncode == 1 and f"Kan ikke læse filen {tmp_path / 'history.json'}" in done.stderr
    (tmp_path / "history.json").write_text("{}", encoding="utf-8")
    done = fasthold("genafspil", str(tmp_path / "history.json"))
    assert done.returncode == 1 and "er ikke en historik" in done.stderr and "Traceback" not in done.stderr


def test_reprocessing_where_no_gateway_keeps_mail_says_so(tmp_path):
    for args in (["genbehandl"], ["genbehandl", "20261204T101500123456-1a2b3c4d-unknown_uid.eml", "--bruger", "ab"]):
        done = fasthold(*args, FASTHOLD_DATA_DIR=str(tmp_path / "data"))
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert f"Her er ingen postindgang: {tmp_path / 'data' / 'inbox'} findes ikke" in done.stderr
    assert not (tmp_path / "data" / "inbox").exists()  # and it made none
    (tmp_path / "data" / "inbox" / "refused").mkdir(parents=True)
    done = fasthold("genbehandl", FASTHOLD_DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 0 and "Der er ingen afviste svar" in done.stdout
    done = fasthold("genbehandl", "../../etc/passwd", FASTHOLD_DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 1 and "Der er intet gemt svar ved navn passwd" in done.stderr
