"""Bring the register to where a process can use it: migrated to the newest revision, the roster loaded."""

from __future__ import annotations

from config.settings import Settings
from register.db import Register, upgrade
from register.roster import load_roster, sync_roster


def prepare_register(settings: Settings) -> tuple[Register, dict]:
    """Migrate the register to the newest revision and load the roster into it."""
    url = settings.resolved_database_url
    upgrade(url)
    register = Register(url)
    roster = load_roster(settings.roster_path)
    with register.session() as session:
        sync_roster(session, roster)
    return register, roster
