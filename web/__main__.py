"""`python -m web`: the workbench on its own (production), with FASTHOLD_* settings; Ctrl-C stops it."""
from __future__ import annotations

import logging

import uvicorn

from config.settings import load_settings
from web.app import create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = load_settings()
    # Access logs would carry the employers' reply tokens in their paths: off.
    uvicorn.run(create_app(settings), host=settings.web_host, port=settings.web_port, access_log=False,
                proxy_headers=True)


if __name__ == "__main__":
    main()
