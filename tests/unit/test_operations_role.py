"""Operations (the roster's optional `operations:` list) may sign in, but see no case: not even one of their own
municipality's, and a caseworker or team lead of the same address keeps that role."""

from __future__ import annotations

from pathlib import Path

from case_service.access import UserRole, may_see, roster_users
from domain.model import CaseState, Caseworker
from register.roster import load_roster

ROSTER = load_roster(Path(__file__).resolve().parents[2] / "config" / "roster.yaml")


def test_the_shipped_rosters_operations_person_signs_in_as_operations():
    user = roster_users(ROSTER)["drift@jobcenter.example.dk"]
    assert user.role == UserRole.OPERATIONS and user.teams == () and user.actor == "drift@jobcenter.example.dk (web)"


def test_operations_sees_no_case_and_an_address_keeps_its_case_role():
    roster = {
        **ROSTER,
        "operations": [
            {"name": "Lise", "email": "Lise.Holm@jobcenter.example.dk"},
            {"name": "Drift", "email": "drift@jobcenter.example.dk"},
        ],
    }
    users = roster_users(roster)
    assert users["lise.holm@jobcenter.example.dk"].role == UserRole.TEAM_LEAD
    worker = ROSTER["caseworkers"][0]
    state = CaseState(
        reference="R-1",
        municipality="101",
        caseworker=Caseworker(
            worker["id"],
            worker["name"],
            worker["email"],
            "",
            worker["team"],
            "Team Nord",
            "Lise Holm",
            "lise.holm@jobcenter.example.dk",
        ),
    )
    assert may_see(users["lise.holm@jobcenter.example.dk"], state, roster)
    assert not may_see(users["drift@jobcenter.example.dk"], state, roster)
