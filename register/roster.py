"""The roster of teams and caseworkers (config/roster.yaml), synchronised into the register."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from register.models import CaseworkerRow, Team


class RosterError(ValueError):
    pass


def load_roster(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RosterError(f"{path}: cannot be read: {exc}") from None
    teams = {t.get("id"): t for t in data.get("teams", [])}
    for i, worker in enumerate(data.get("caseworkers", [])):
        for key in ("id", "name", "email", "team"):
            if not worker.get(key):
                raise RosterError(f"{path}: caseworkers[{i}].{key} is missing")
        if worker["team"] not in teams:
            raise RosterError(f"{path}: caseworkers[{i}].team {worker['team']!r} is not a team id")
    for i, team in enumerate(teams.values()):
        for key in ("id", "name", "municipality", "lead"):
            if not team.get(key):
                raise RosterError(f"{path}: teams[{i}].{key} is missing")
    return data


def sync_roster(session: Session, roster: dict) -> None:
    """Upsert teams and caseworkers; caseworkers no longer listed are deactivated, never deleted."""
    listed = set()
    for team in roster.get("teams", []):
        session.merge(
            Team(
                id=team["id"],
                name=team["name"],
                municipality=str(team["municipality"]),
                lead_name=team["lead"]["name"],
                lead_email=team["lead"]["email"].lower(),
            )
        )
    session.flush()
    for worker in roster.get("caseworkers", []):
        listed.add(worker["id"])
        session.merge(
            CaseworkerRow(
                id=worker["id"],
                name=worker["name"],
                email=worker["email"].lower(),
                phone=str(worker.get("phone", "")),
                team_id=worker["team"],
                active=True,
            )
        )
    for row in session.query(CaseworkerRow).filter(CaseworkerRow.id.not_in(listed)):
        row.active = False


def municipalities(roster: dict) -> set[str]:
    """The municipality codes that have a team, and so caseworkers to give a case to."""
    return {str(team["municipality"]) for team in roster.get("teams", [])}


def team_config(roster: dict, team_id: str) -> dict:
    for team in roster.get("teams", []):
        if team["id"] == team_id:
            return team
    return {}


def working_hours(roster: dict, caseworker_id: str) -> dict:
    for worker in roster.get("caseworkers", []):
        if worker["id"] == caseworker_id:
            return worker.get("working_hours") or {}
    return {}
