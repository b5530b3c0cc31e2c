"""As an operator would check the monitoring: a real Prometheus (Debian's) scrapes the running engine's two
metrics endpoints with the jobs and rules of deploy/prometheus/, and every rule and every query of the Grafana
dashboard (deploy/grafana/fastholdelse.json) evaluates without error and, for the dashboard, with data.
Grafana itself is not packaged by Debian, so its queries are evaluated by Prometheus, as Grafana would ask."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.conftest import sick_report
from tests.e2e.engine import Engine
from tests.eventually import eventually
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def local_config(metrics_port: str, case_metrics_port: str) -> dict:
    """deploy/prometheus/prometheus.yml with its jobs pointed at the local engine instead of compose's DNS."""
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    ports = {"fasthold-worker": metrics_port, "fasthold-cases": case_metrics_port}
    for job in config["scrape_configs"]:
        assert job["dns_sd_configs"][0]["names"] == ["worker"]
        assert str(job["dns_sd_configs"][0]["port"]) in ("9464", "9465")
        del job["dns_sd_configs"]
        job["static_configs"] = [{"targets": [f"127.0.0.1:{ports[job['job_name']]}"]}]
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(DEPLOY / "prometheus" / f) for f in config["rule_files"]]
    return config


class Prometheus:
    def __init__(self, tmp_path: Path, config: dict):
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        self.url = f"http://127.0.0.1:{free_port()}"
        self.process = subprocess.Popen(
            [
                shutil.which("prometheus"),
                f"--config.file={tmp_path / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address={self.url[7:]}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "prometheus.log").open("w"),
        )

    def api(self, path: str, **params) -> dict:
        url = f"{self.url}/api/v1/{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())

    def query(self, expr: str) -> list:
        answer = self.api("query", query=expr)
        assert answer["status"] == "success", (expr, answer)
        return answer["data"]["result"]

    def wait_for(self, expr: str, timeout: float = 60) -> list:
        return eventually(
            lambda: self.query(expr), timeout=timeout, every=0.5, ignoring=(OSError,), what=f"data for {expr}"
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def engine(tmp_path):
    engine = Engine(tmp_path / "data")
    engine.env.update(
        FASTHOLD_METRICS_PORT=str(free_port()),
        FASTHOLD_CASE_METRICS_PORT=str(free_port()),
        FASTHOLD_CASE_METRICS_REFRESH_SECONDS="1",
    )
    engine.start()
    yield engine
    if engine.process.poll() is None:
        engine.stop()


def test_prometheus_evaluates_every_rule_and_dashboard_query_against_the_engine(engine, tmp_path):
    assert shutil.which("prometheus"), "prometheus is missing: scripts/prometheus.sh installs it"
    report = sick_report()
    (tmp_path / "sygemelding.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    engine.cli("opret", str(tmp_path / "sygemelding.json"))
    engine.wait_for_mails(3)
    prometheus = Prometheus(
        tmp_path, local_config(engine.env["FASTHOLD_METRICS_PORT"], engine.env["FASTHOLD_CASE_METRICS_PORT"])
    )
    try:
        prometheus.wait_for('up{job="fasthold-worker"} == 1')
        prometheus.wait_for('up{job="fasthold-cases"} == 1')
        prometheus.wait_for("max(fasthold_cases_open) > 0")

        # The rules: every one evaluated by Prometheus itself without error; once the scrapes are in (a rule
        # evaluated before the first scrape sees no worker), none fires on a healthy run.
        def rules_now() -> list:
            groups = prometheus.api("rules")["data"]["groups"]
            rules = [rule for group in groups for rule in group["rules"]]
            assert all(rule["health"] != "err" for rule in rules), rules
            return rules

        rules = eventually(
            rules_now,
            timeout=30,
            every=0.5,
            what="every rule evaluated and none firing",
            until=lambda rules: (
                rules and all(rule["health"] == "ok" and rule.get("state", "inactive") == "inactive" for rule in rules)
            ),
            show=lambda rules: str([r for r in rules if r.get("state", "inactive") != "inactive"]),
        )
        groups = prometheus.api("rules")["data"]["groups"]
        assert len(groups) == 4 and len(rules) >= 15
        assert len(prometheus.wait_for("fasthold:deadline_breaches:max", timeout=20)) == 3  # every kind, from 0
        # The dashboard: every query as Grafana sends it, with data.
        dashboard = json.loads((DEPLOY / "grafana" / "fastholdelse.json").read_text(encoding="utf-8"))
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                result = prometheus.wait_for(target["expr"], timeout=20)
                assert result, (panel["title"], target["expr"])
        assert prometheus.query('max(fasthold_cases_open{phase="meeting_booked"})')[0]["value"][1] == "1"
    finally:
        prometheus.stop()
