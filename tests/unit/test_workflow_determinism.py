"""The workflow mixins are passed through the sandbox (worker.WORKFLOW_MIXINS) to save a module load and
about 0.2 MB per case in memory, so the sandbox no longer stops a clock read or a random number in them. This
test reads the source of every module in `workflows/` instead and fails on what the sandbox would refuse:
the wall clock, randomness, sleeping the thread, files, processes, sockets and threads. Workflow code uses
`workflow.now()`, `workflow.uuid4()`, `workflow.random()` and `workflow.sleep()`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from worker import WORKFLOW_MIXINS

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
FORBIDDEN_MODULES = {
    "random",
    "uuid",
    "time",
    "os",
    "socket",
    "subprocess",
    "threading",
    "secrets",
    "sqlalchemy",
    "aiosmtplib",
    "urllib",
    "http",
    "requests",
    "httpx",
    "shutil",
    "pathlib",
}
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("asyncio", "get_event_loop"),
    ("asyncio", "run"),
}
FORBIDDEN_BUILTINS = {"open", "input", "print", "exec", "eval"}


def findings(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                if (func.value.id, func.attr) in FORBIDDEN_CALLS:
                    found.append(f"{func.value.id}.{func.attr}() at line {node.lineno}")
            elif isinstance(func, ast.Name) and func.id in FORBIDDEN_BUILTINS:
                found.append(f"{func.id}() at line {node.lineno}")
    return found


@pytest.mark.parametrize("module", sorted(p.stem for p in WORKFLOWS.glob("*.py")))
def test_workflow_code_reads_no_clock_randomness_or_io(module):
    assert findings((WORKFLOWS / f"{module}.py").read_text(encoding="utf-8")) == []


def test_every_passed_through_mixin_is_a_module_that_is_checked():
    checked = {f"workflows.{p.stem}" for p in WORKFLOWS.glob("*.py")}
    assert set(WORKFLOW_MIXINS) <= checked
    assert "workflows.case_workflow" not in WORKFLOW_MIXINS  # the workflow itself is always loaded per case


@pytest.mark.parametrize(
    "bad",
    [
        "from datetime import datetime\ndef f():\n    return datetime.now()",
        "import random\n",
        "from uuid import uuid4\n",
        "def f():\n    return date.today()",
        "def f():\n    open('x')",
        "import time\n",
    ],
)
def test_the_check_finds_what_the_sandbox_would_refuse(bad):
    assert findings(bad)
