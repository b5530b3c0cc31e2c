"""Every Python package of the product is in pyproject.toml's package list: a package left out works in the
source tree (and in an editable install) but is missing from the built wheel, which the installed-wheel test
finds only after minutes; this finds it at once."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_SHIPPED = {".venv", "tests", "bench", "build", "tmp", "data"}


def packages_in_tree(root: Path) -> set[str]:
    found = set()
    for init in root.rglob("__init__.py"):
        parts = init.parent.relative_to(root).parts
        if parts and not NOT_SHIPPED & set(parts) and not any(p.endswith(".egg-info") for p in parts):
            found.add(".".join(parts))
    return found


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    assert packages_in_tree(ROOT) - listed == set()


def test_the_check_sees_a_sub_package(tmp_path):
    (tmp_path / "domain" / "decisions").mkdir(parents=True)
    for folder in (tmp_path / "domain", tmp_path / "domain" / "decisions"):
        (folder / "__init__.py").write_text("")
    assert packages_in_tree(tmp_path) == {"domain", "domain.decisions"}
