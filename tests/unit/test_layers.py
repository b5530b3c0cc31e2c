"""The shape of the code, checked: imports run one way only (domain <- adapters <- workflows <- service layer
<- entry points), the domain imports no framework, only the service layer sends workflow updates, and no module
of the process is too long to read."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
# Lower layers never import higher ones. Same-layer imports are fine.
LAYERS = {
    "domain": 0,
    "config": 0,
    "activities": 1,
    "mailing": 1,
    "register": 1,
    "engine": 1,
    "observability": 1,
    "localrun": 1,
    "decision_support": 1,
    "reporting": 1.5,  # reads the register; the register never imports it
    "workflows": 2,
    "case_service": 3,
    "cli": 4,
    "gateway": 4,
    "worker": 4,
    "run_local": 4,
    "web": 4,
    "simulation": 4,
    "ops": 4,
    "worker_support": 4,
}
# Shipped as packages but holding data only (read with importlib.resources), no code to place in a layer.
DATA_PACKAGES = {"templates"}
# What the pure domain must never import: I/O and frameworks belong to the adapters.
NOT_IN_DOMAIN = ("temporalio", "sqlalchemy", "aiosmtplib", "aiosmtpd", "jinja2", "icalendar", "alembic")


def project_modules() -> list[Path]:
    found = []
    for name in LAYERS:
        package, module = ROOT / name, ROOT / f"{name}.py"
        if package.is_dir():
            found += [p for p in package.rglob("*.py") if "migrations" not in p.parts or p.name != "env.py"]
        elif module.is_file():
            found.append(module)
    return sorted(found)


def top_level_imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions included), as its top-level name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def layer_of(path: Path) -> tuple[str, float]:
    top = path.relative_to(ROOT).parts[0].removesuffix(".py")
    return top, LAYERS[top]


MODULES = project_modules()


def test_every_package_of_the_product_has_a_layer():
    # A new package is placed in the layers before it can be shipped: the wheel's packages come from pyproject.
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    shipped = {name.split(".")[0] for name in setuptools["packages"] + setuptools["py-modules"]}
    assert shipped - DATA_PACKAGES == set(LAYERS)


def test_the_walk_sees_every_layer():
    tops = {layer_of(p)[0] for p in MODULES}
    assert {
        "domain",
        "activities",
        "mailing",
        "register",
        "reporting",
        "engine",
        "observability",
        "localrun",
        "workflows",
        "case_service",
        "cli",
        "gateway",
        "worker",
        "ops",
        "worker_support",
    } <= tops


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_no_import_runs_upward(path):
    top, level = layer_of(path)
    upward = sorted(name for name in top_level_imports(path) if LAYERS.get(name, -1) > level)
    assert not upward, f"{path.relative_to(ROOT)} ({top}, layer {level}) imports {upward} from a higher layer"


@pytest.mark.parametrize("path", sorted((ROOT / "domain").rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_no_framework(path):
    assert not top_level_imports(path) & set(NOT_IN_DOMAIN)


def test_the_checker_finds_an_upward_import(tmp_path):
    # The check itself must be able to fail: a domain module importing the workflow is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from workflows.case_workflow import CaseWorkflow\nimport sqlalchemy\n", encoding="utf-8")
    assert {"workflows", "sqlalchemy"} <= top_level_imports(bad)


def test_only_the_service_layer_sends_workflow_updates():
    senders = sorted(
        str(p.relative_to(ROOT))
        for p in MODULES
        if "execute_update" in p.read_text(encoding="utf-8") or "start_update" in p.read_text(encoding="utf-8")
    )
    assert senders == ["case_service/service.py"]


MAX_LINES = 400
# Not the product: the tests, the virtual environment and what tools write into the tree.
NOT_PRODUCT = {"tests", ".venv", ".git", "build", "data", "tmp", "node_modules"}


def product_python_files() -> list[Path]:
    """Every .py file of the product: all of the repository but the tests, the venv and generated trees."""
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if not NOT_PRODUCT & set(p.relative_to(ROOT).parts)
        and not any(part.endswith(".egg-info") for part in p.relative_to(ROOT).parts)
    )


PRODUCT_FILES = product_python_files()


def test_the_size_walk_sees_the_whole_product():
    seen = {str(p.relative_to(ROOT)) for p in PRODUCT_FILES}
    assert {
        "cli/__init__.py",
        "worker.py",
        "domain/agenda.py",
        "web/app.py",
        "bench/bench_report.py",
        "register/migrations/versions/0001_initial_register.py",
    } <= seen
    assert not any(s.startswith(("tests/", ".venv/")) for s in seen)


SIZED = PRODUCT_FILES


@pytest.mark.parametrize("path", SIZED, ids=[str(p.relative_to(ROOT)) for p in SIZED])
def test_no_module_is_over_400_lines(path):
    relative = path.relative_to(ROOT)
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{relative} has {lines} lines: split it by what its parts hold"


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if p.name == "__init__.py"] + [ROOT / "gateway.py", ROOT / "worker.py", ROOT / "run_local.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_package_and_entry_point_says_what_it_holds(path):
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has no docstring"
