"""Least privilege in the report: the workbench's report for a caseworker counts and names only her own cases,
a team lead's only her teams'; the command line's report (an operator's) still covers the municipality. Over
the known register of test_report.py: Anna Berg (Team Nord) holds A1-A5 and N1 (breaches A3, A4), Jonas Friis
(Team Syd) J1-J3 (breaches J1, J2), and U1 has no caseworker."""

from __future__ import annotations

import pytest

from case_service.access import roster_users
from case_service.lists import CaseLists
from config.settings import CONFIG_DIR, load_settings
from register.roster import load_roster
from reporting.report_command import report_command
from tests.integration.test_report import END, START, TODAY, known_register, report_of  # noqa: F401 (fixture)

ROSTER = load_roster(CONFIG_DIR / "roster.yaml")
USERS = roster_users(ROSTER)
ANNA = USERS["anna.berg@jobcenter.example.dk"]
PER = USERS["per.dahl@jobcenter.example.dk"]  # leads Team Syd
LISE = USERS["lise.holm@jobcenter.example.dk"]  # leads Team Nord


def audience_report(register, user):
    from reporting.report import build_report

    with register.session() as session:
        return build_report(
            session, "101", START, END, TODAY, audience=CaseLists(register, ROSTER).report_audience(user)
        )


def test_a_caseworkers_report_is_of_her_own_cases_only(known_register):  # noqa: F811 - the fixture imported above
    whole = report_of(known_register)
    mine = audience_report(known_register, ANNA)
    assert mine.audience == "dine sager"
    assert mine.overall.cases == 6 and whole.overall.cases > 6
    assert [b.reference for b in mine.breaches] == ["A3", "A4"]
    assert {b.caseworker_id for b in mine.breaches + mine.missed_targets} == {"cw-anna"}
    assert [s.scope.id for s in mine.by_caseworker] == ["cw-anna"]
    assert [s.scope.id for s in mine.by_team] == ["team-nord"]
    assert mine.overall.breaches == 2


def test_a_team_leads_report_is_of_her_teams_cases_only(known_register):  # noqa: F811 - the fixture imported above
    per = audience_report(known_register, PER)
    assert per.audience == "dit team (Team Syd)"
    assert [b.reference for b in per.breaches] == ["J1", "J2"]
    assert {s.scope.id for s in per.by_team} == {"team-syd"}
    assert "cw-anna" not in {s.scope.id for s in per.by_caseworker}
    lise = audience_report(known_register, LISE)
    assert [b.reference for b in lise.breaches] == ["A3", "A4"]


@pytest.mark.parametrize("fmt", ["html", "csv", "tabel"])
def test_no_rendering_names_another_teams_case_or_caseworker(known_register, tmp_path, fmt):  # noqa: F811 - the fixture imported above
    settings = load_settings(env={}).replace(database_url=known_register.url, data_dir=str(tmp_path))
    lists = CaseLists(known_register, ROSTER)
    anna = report_command(settings, "101", START, END, fmt, None, today=TODAY, audience=lists.report_audience(ANNA))
    for other in ("J1", "J2", "U1", "Jonas Friis", "Team Syd", "cw-jonas", "Hele kommunen"):
        assert other not in anna, other
    assert "Anna Berg" in anna and ("A3" in anna or fmt == "csv")  # the CSV has figures, no case list
    if fmt != "csv":
        assert "dine sager" in anna
    else:
        assert ";I alt;Dine sager;" in anna
    # The operator's command-line report is the municipality's, as before.
    whole = report_command(settings, "101", START, END, fmt, None, today=TODAY)
    assert "Jonas Friis" in whole and ("J1" in whole or fmt == "csv")
