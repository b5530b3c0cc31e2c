"""`python -m web`: the workbench on its own (production), with FASTHOLD_* settings; Ctrl-C stops it."""

from __future__ import annotations

import uvicorn

from config.settings import load_settings
from observability.logs import configure_logging
from web.app import create_app


def main() -> None:
    settings = load_settings()
    configure_logging(settings, "web")
    # Access logs would carry the employers' reply tokens in their paths: off.
    uvicorn.run(
        create_app(settings),
        host=settings.web_host,
        port=settings.web_port,
        access_log=False,
        proxy_headers=True,
        log_config=None,
    )


if __name__ == "__main__":
    main()
