"""Who may see and act on which case: a caseworker on her own cases, a team lead on her team's, nobody on
another municipality's. The people are the roster's caseworkers and team leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.model import CaseState

# The roster as read from its YAML file (register/roster.py): teams, caseworkers and operations, as mappings.
Roster = dict[str, Any]


class UserRole(StrEnum):
    CASEWORKER = "caseworker"
    TEAM_LEAD = "team_lead"
    # Runs the engine (the mail gateway's kept replies); sees no case, only the operations pages.
    OPERATIONS = "operations"


@dataclass(frozen=True)
class User:
    id: str  # the caseworker's roster id, or the team lead's e-mail address
    name: str
    email: str
    role: UserRole
    municipality: str
    teams: tuple[str, ...]  # the caseworker's team, or the teams the lead leads

    @property
    def actor(self) -> str:
        """How the user is named in the audit trail."""
        return f"{self.id} (web)"


def roster_users(roster: Roster) -> dict[str, User]:
    """Every person who may sign in, by lower-case e-mail address."""
    teams = {t["id"]: t for t in roster.get("teams", [])}
    users: dict[str, User] = {}
    for worker in roster.get("caseworkers", []):
        team = teams[worker["team"]]
        email = worker["email"].lower()
        users[email] = User(
            worker["id"], worker["name"], email, UserRole.CASEWORKER, str(team["municipality"]), (team["id"],)
        )
    for team in teams.values():
        email = team["lead"]["email"].lower()
        led = tuple(t["id"] for t in teams.values() if t["lead"]["email"].lower() == email)
        users[email] = User(email, team["lead"]["name"], email, UserRole.TEAM_LEAD, str(team["municipality"]), led)
    for person in roster.get("operations", []):  # optional: the roster's `operations:` list (name, email)
        email = str(person["email"]).lower()
        users.setdefault(email, User(email, person["name"], email, UserRole.OPERATIONS, "", ()))
    return users


def team_of(roster: Roster, caseworker_id: str) -> str:
    for worker in roster.get("caseworkers", []):
        if worker["id"] == caseworker_id:
            team: str = worker["team"]
            return team
    return ""


def colleagues(roster: Roster, user: User) -> list[dict[str, Any]]:
    """The caseworkers a user may hand cases to: the same municipality's."""
    teams = {t["id"]: str(t["municipality"]) for t in roster.get("teams", [])}
    return [w for w in roster.get("caseworkers", []) if teams.get(w["team"]) == user.municipality]


def may_see(user: User, state: CaseState, roster: Roster) -> bool:
    if user.role == UserRole.OPERATIONS:
        return False
    if state.municipality != user.municipality or state.caseworker is None:
        return False
    if user.role == UserRole.CASEWORKER:
        return state.caseworker.id == user.id
    return team_of(roster, state.caseworker.id) in user.teams
