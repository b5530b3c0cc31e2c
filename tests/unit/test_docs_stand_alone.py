"""The code and its documents point inside the repository: a rule's source is the law, the act or STAR's pool
itself (listed in docs/domain.md), never a document outside it ("seed 002", "domain.md" without its folder)
or an issue number of the project's tracker, which a reader of the code does not have."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"\bseeds?[ /]?00\d\b|\bissues? \d+\b|(?<![/\w])domain\.md\b", re.IGNORECASE)
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".html", ".sh", ".toml", ".example"}
SKIPPED = {".venv", ".git", "histories", "vendor", "node_modules", "tmp", "data"}


def outside_references(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in SUFFIXES or SKIPPED & set(path.relative_to(root).parts) or not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_nothing_points_outside_the_repository():
    found = [line for line in outside_references(ROOT) if not line.startswith("tests/unit/test_docs_stand_alone.py")]
    assert found == []


def test_the_check_can_fail(tmp_path):
    (tmp_path / "rules.py").write_text("# week 8 (seed 002)\n# see domain.md\n# fixed in issue 21\n# docs/domain.md\n")
    assert [line.split(": ", 1)[1] for line in outside_references(tmp_path)] == [
        "# week 8 (seed 002)",
        "# see domain.md",
        "# fixed in issue 21",
    ]


def test_every_source_the_rule_sets_cite_is_described_in_docs_domain():
    domain = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    rulesets = (ROOT / "config" / "rulesets.yaml").read_text(encoding="utf-8")
    for source in ("STAR 2017", "STAR 2025", "L 194", "L 74", "L 66", "bek. opf.", "local practice", "unconfirmed"):
        assert source in rulesets and f"**{source}**" in domain, source
