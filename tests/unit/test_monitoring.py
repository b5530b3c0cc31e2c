"""Monitoring as code: the Prometheus config, alert rules and their tests pass Debian's `promtool` (the README's
commands, run as written); the README's metric table is the code's metric definitions; every series is there
from the start. Evaluating the rules and the dashboard against a scrape of the engine: tests/e2e/test_monitoring.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from prometheus_client.exposition import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from worker_support.case_metrics import CaseMetrics

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DEPLOY = ROOT / "deploy"
PROMTOOL = shutil.which("promtool")


def readme_block_after(marker: str) -> str:
    return re.search(re.escape(marker) + r".*?```bash\n(.*?)```", README, re.S).group(1)


def test_the_readmes_promtool_commands_pass_as_written():
    assert PROMTOOL, "promtool is missing: scripts/prometheus.sh installs it"
    block = readme_block_after("**Monitoring as code.**")
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert len(commands) == 3 and all(c.startswith("promtool ") for c in commands)
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        assert "SUCCESS" in done.stdout + done.stderr


def test_promtool_fails_a_rule_test_whose_alert_does_not_fire(tmp_path):
    """The rule tests can fail: the same tests against a rules file whose breach alert looks for a fall."""
    rules = (DEPLOY / "prometheus" / "rules" / "fasthold.rules.yml").read_text(encoding="utf-8")
    broken = rules.replace(
        "expr: delta(fasthold:deadline_breaches:max[1h]) > 0", "expr: delta(fasthold:deadline_breaches:max[1h]) < 0"
    )
    assert broken != rules
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "fasthold.rules.yml").write_text(broken, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    shutil.copy(DEPLOY / "prometheus" / "tests" / "fasthold.rules.test.yml", tmp_path / "tests")
    done = subprocess.run(
        [PROMTOOL, "test", "rules", "tests/fasthold.rules.test.yml"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode != 0 and "FastholdDeadlineBreached" in done.stdout + done.stderr


def code_metrics() -> dict[str, set[str]]:
    """Every series the case metrics serve, as Prometheus sees them: name -> label names."""
    metrics = CaseMetrics(register=None)
    found: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(generate_latest(metrics.registry).decode()):
        for sample in family.samples:
            if not sample.name.endswith("_created"):
                found.setdefault(sample.name, set()).update(sample.labels)
    return found


def readme_metrics() -> dict[str, set[str]]:
    table = README[README.index("| metric | what it counts |") :]
    table = table[: table.index("\n\n")]
    found = {}
    for row in table.splitlines()[2:]:
        for name, labels in re.findall(r"`(fasthold_\w+)(?:\{([\w,]+)\})?`", row.split("|")[1]):
            found[name] = set(filter(None, labels.split(",")))
    return found


def test_the_readmes_metric_table_is_the_codes_metric_definitions():
    assert readme_metrics() == code_metrics()


def test_every_series_is_there_from_the_start_with_zero():
    metrics = CaseMetrics(register=None)
    text = generate_latest(metrics.registry).decode()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if not s.name.endswith("_created")
    }
    for kind in ("first_meeting", "fast_track", "first_conversation"):
        assert samples[("fasthold_deadline_breaches", (("kind", kind),))] == 0
    assert samples[("fasthold_missed_targets", (("kind", "first_meeting"),))] == 0
    assert samples[("fasthold_operations_alerts", ())] == 0
    assert samples[("fasthold_case_query_errors_total", ())] == 0
    assert all(value == 0 for value in samples.values()), {k: v for k, v in samples.items() if v}


def queries() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana" / "fastholdelse.json").read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_the_dashboard_and_rules_name_only_series_that_exist():
    rules = yaml.safe_load((DEPLOY / "prometheus" / "rules" / "fasthold.rules.yml").read_text(encoding="utf-8"))
    exprs = queries() + [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    recorded = {rule["record"] for group in rules["groups"] for rule in group["rules"] if "record" in rule}
    ours = set(code_metrics())
    for expr in exprs:
        for name in re.findall(r"\b(fasthold[_:][\w:]+)", expr):
            assert name in ours or name in recorded, (name, expr)
    # Every case metric is on the dashboard.
    shown = {name for expr in queries() for name in re.findall(r"\b(fasthold_\w+)", expr)}
    assert ours - {"fasthold_mail_attempts_total"} <= shown | {"fasthold_cases_closed"}, ours - shown
