"""Every file DKFDS's stylesheet asks for is served from web/static (the icons answered 404: the vendored copy
had only the sprite; the single icons are cut from it, see web/static/dkfds/img/svg-icons/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "dkfds" / "css" / "dkfds.min.css"


def test_every_url_in_the_stylesheet_is_a_file():
    urls = set(re.findall(r"url\(([^)'\"]+)\)", CSS.read_text(encoding="utf-8")))
    assert len(urls) > 100
    missing = sorted(
        u for u in urls if not u.startswith("data:") and not (CSS.parent / u.split("?")[0].split("#")[0]).is_file()
    )
    assert not missing, missing[:10]
