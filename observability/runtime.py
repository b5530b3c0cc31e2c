"""The Temporal SDK runtime of a process: its Prometheus metrics endpoint and where the SDK core's logs go."""

from __future__ import annotations

import logging

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)


def make_runtime(settings) -> Runtime | None:
    """The SDK runtime for this process: Prometheus metrics when a port is set, core logs through Python logging
    (so they are JSON too) when the log format is json. None: the SDK's default runtime will do."""
    metrics = (
        PrometheusConfig(bind_address=f"{settings.metrics_host}:{settings.metrics_port}")
        if settings.metrics_port
        else None
    )
    forward = settings.log_format == "json"
    if metrics is None and not forward:
        return None
    logging_config = LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
        forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")) if forward else None,
    )
    return Runtime(telemetry=TelemetryConfig(metrics=metrics, logging=logging_config))
