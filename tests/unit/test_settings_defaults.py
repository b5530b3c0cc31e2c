"""Settings have one source of defaults, config/defaults.yaml: the dataclass only names and types them, so the
two cannot drift. A default missing from the file, or a name the dataclass does not know, stops the process
with a message naming the setting."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from config.settings import CONFIG_DIR, Settings, SettingsError, load_settings

DEFAULTS = CONFIG_DIR / "defaults.yaml"


def shipped() -> dict:
    return yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))


def test_the_dataclass_keeps_no_default_of_its_own():
    kept = [
        f.name
        for f in dataclasses.fields(Settings)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    ]
    assert kept == [], f"defaults belong in config/defaults.yaml only: {kept}"


def test_the_yaml_names_every_setting_and_only_those():
    assert set(shipped()) == {f.name for f in dataclasses.fields(Settings)}


def test_every_default_comes_from_the_yaml(tmp_path):
    data = shipped()
    loaded = load_settings(env={})
    assert loaded.task_queue == data["task_queue"] and loaded.web_port == data["web_port"]
    assert loaded.decision_support is data["decision_support"]
    changed = tmp_path / "defaults.yaml"
    changed.write_text(yaml.safe_dump({**data, "web_port": 9999, "task_queue": "andet"}), encoding="utf-8")
    assert (
        load_settings(env={}, defaults_file=changed).web_port,
        load_settings(env={}, defaults_file=changed).task_queue,
    ) == (9999, "andet")


@pytest.mark.parametrize("value", ["leave out", None])
def test_a_setting_without_a_default_is_refused_by_name(tmp_path, value):
    data = shipped()
    if value == "leave out":
        del data["smtp_port"]
    else:
        data["smtp_port"] = value
    partial = tmp_path / "defaults.yaml"
    partial.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SettingsError, match="no default for setting.*smtp_port"):
        load_settings(env={"FASTHOLD_SMTP_PORT": "25"}, defaults_file=partial)


def test_an_unknown_setting_is_refused_by_name(tmp_path):
    extra = tmp_path / "defaults.yaml"
    extra.write_text(yaml.safe_dump({**shipped(), "smtp_prot": 25}), encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting.*smtp_prot"):
        load_settings(env={}, defaults_file=extra)
