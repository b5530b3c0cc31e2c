"""Settings: config/defaults.yaml, overridden key by key by FASTHOLD_<KEY> environment variables, or by the
content of the file FASTHOLD_<KEY>_FILE names (compose secrets: /run/secrets/..., never in the environment)."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parent
ENV_PREFIX = "FASTHOLD_"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    """Every setting, named and typed. Their defaults are in config/defaults.yaml only (with what each means):
    `load_settings` requires every field there, so a default cannot be kept in two places and drift."""

    data_dir: str
    temporal_address: str
    temporal_namespace: str
    temporal_ui_port: int
    task_queue: str
    municipality: str
    database_url: str
    smtp_host: str
    smtp_port: int
    smtp_starttls: bool
    smtp_username: str
    smtp_password: str
    smtp_ca_file: str
    smtp_connections: int
    smtp_idle_seconds: int
    mail_dir: str
    gateway_host: str
    gateway_port: int
    mail_from: str
    organizer_email: str
    roster_file: str
    rulesets_file: str
    payload_key: str
    payload_key_id: str
    payload_previous_keys: str
    codec_host: str
    codec_port: int
    codec_token: str
    codec_allowed_origin: str
    codec_cookie_secure: bool
    temporal_tls: bool
    temporal_tls_ca_file: str
    temporal_tls_cert_file: str
    temporal_tls_key_file: str
    temporal_tls_server_name: str
    temporal_api_key: str
    log_format: str
    log_level: str
    metrics_host: str
    metrics_port: int
    case_metrics_port: int
    case_metrics_refresh_seconds: int
    case_metrics_task_queries: int
    deadline_risk_working_days: int
    history_event_limit: int
    retention_days: int
    namespace_retention_days: int
    report_measure_base: str
    decision_support: bool
    decision_support_min_cases: int
    decision_support_features: str
    gateway_trusted_authserv_ids: str
    gateway_auth_methods: str
    gateway_relay_networks: str
    gateway_trust_loopback: bool
    gateway_concurrency: int
    gateway_verify_dkim: bool
    gateway_dns_server: str
    max_cached_workflows: int
    malloc_arenas: int
    max_concurrent_workflow_tasks: int
    web_host: str
    web_port: int
    public_base_url: str
    web_secret: str
    local_password: str
    evaluation_key: str
    employer_link_days: int
    web_idle_minutes: int
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str
    oidc_user_claim: str

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    @property
    def base_url(self) -> str:
        """Where people reach the web workbench: links in e-mails point here."""
        return (self.public_base_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_path / 'register.db'}"

    @property
    def mail_path(self) -> Path:
        return Path(self.mail_dir).expanduser().resolve() if self.mail_dir else self.data_path / "mail"

    @property
    def roster_path(self) -> Path:
        return Path(self.roster_file) if self.roster_file else CONFIG_DIR / "roster.yaml"

    @property
    def rulesets_path(self) -> Path:
        return Path(self.rulesets_file) if self.rulesets_file else CONFIG_DIR / "rulesets.yaml"

    @property
    def codec_origin(self) -> str:
        """The origin of Temporal UI that may call the codec server (CORS)."""
        if self.codec_allowed_origin:
            return self.codec_allowed_origin
        host = self.temporal_address.rpartition(":")[0] or "127.0.0.1"
        return f"http://{host}:{self.temporal_ui_port}"

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, raw: str, kind: type):
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
        raise SettingsError(f"{ENV_PREFIX}{name.upper()}: expected true/false, got {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{ENV_PREFIX}{name.upper()}: expected a whole number, got {raw!r}") from None
    return raw


def load_settings(env: dict[str, str] | None = None, defaults_file: Path | None = None) -> Settings:
    env = os.environ if env is None else env
    path = defaults_file or CONFIG_DIR / "defaults.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    unknown = set(data) - set(fields)
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    missing = {name for name in fields if data.get(name) is None}
    if missing:
        raise SettingsError(f"{path}: no default for setting(s): {', '.join(sorted(missing))}")
    values = {}
    for name, field in fields.items():
        kind = {"int": int, "bool": bool}.get(str(field.type), str)
        values[name] = _coerce(name, str(data[name]), kind) if kind is not str else str(data[name])
        env_value = env.get(ENV_PREFIX + name.upper())
        secret_file = env.get(ENV_PREFIX + name.upper() + "_FILE")
        if secret_file:
            env_value = _read_secret(name, secret_file)
        if env_value is not None:
            values[name] = _coerce(name, env_value, kind)
    return Settings(**values)


# A process given one of these as a file must find it filled in: an empty payload key (or web secret) would make
# each process generate its own, and none could read (or trust) what another wrote.
REQUIRED_IN_FILE = frozenset({"payload_key", "web_secret"})


def _read_secret(name: str, path: str) -> str:
    setting = f"{ENV_PREFIX}{name.upper()}_FILE"
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as err:
        raise SettingsError(f"{setting}: cannot read {path}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{setting}: {path} is not UTF-8 text") from None
    if not value and name in REQUIRED_IN_FILE:
        raise SettingsError(f"{setting}: {path} is empty; every process must be given the same value")
    return value
