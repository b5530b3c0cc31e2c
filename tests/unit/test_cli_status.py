"""`fasthold status` shows what the law adds to a case: the kind of the week-8 deadline, the § 24 date, the
consent to fast track, partial recoveries, periods without benefit, the information form and misses of each kind."""

from __future__ import annotations

from datetime import date, datetime, timezone

from cli import format_state
from domain.deadlines import compute_deadlines
from domain.fast_track import answer_consent, request_fast_track
from domain.model import BenefitPause, CaseState, PartialRecovery, TimelineEntry
from domain.rulesets import load_rulesets, ruleset_for

FIRST_DAY = date(2026, 8, 3)


def test_status_shows_the_laws_facts():
    rules = ruleset_for(FIRST_DAY, load_rulesets())
    request = answer_consent(
        request_fast_track("employer", date(2026, 8, 7), FIRST_DAY, rules), False, date(2026, 8, 10), rules
    )
    state = CaseState(
        reference="SAG-1",
        municipality="101",
        rule_set=rules.name,
        track="workplace",
        rules=rules,
        deadlines=compute_deadlines(FIRST_DAY, rules),
        fast_track_request=request,
        partial_recoveries=[PartialRecovery(18.5, date(2026, 11, 2))],
        benefit_pauses=[BenefitPause(date(2026, 9, 1), date(2026, 9, 30), "Ferie")],
        missed_targets=["first_meeting"],
        info_form_sent_on=date(2026, 8, 4),
    )
    text = format_state(state)
    assert "modellens mål (Sammen om fastholdelse), ikke en lovfrist" in text
    assert "Lovens minimum:     1. samtale senest 2027-02-02" in text
    assert "Revurdering (§ 24): senest 2027-02-28" in text
    assert "samtykke: afslået: den almindelige frist gælder" in text
    assert "Delvis raskmeldt:   18.5 timer om ugen fra 2026-11-02" in text
    assert "Uden sygedagpenge:  2026-09-01 til 2026-09-30 (Ferie)" in text
    # Sent Tuesday 4 August (assumed: the intake day): 8 days later is Wednesday 12 August.
    assert (
        "Oplysningsskema:    sendt 2026-08-04 (antaget: sagens oprettelse), svarfrist 2026-08-12, ikke besvaret" in text
    )
    assert "Modellens mål ikke nået: første opfølgningssamtale" in text and "Lovfrist overskredet" not in text
    old = ruleset_for(date(2025, 3, 3), load_rulesets())
    before = format_state(
        CaseState(
            reference="SAG-2",
            municipality="101",
            breaches=["first_meeting"],
            deadlines=compute_deadlines(date(2025, 3, 3), old),
        )
    )
    assert "lovfrist (sygedagpengeloven § 13 b)" in before and "Lovfrist overskredet: første" in before
    assert "Lovens minimum" not in before


def test_the_command_lines_today_is_the_danish_date():
    # Just after midnight in Copenhagen a UTC machine still says yesterday; a default date must be Danish.
    from datetime import datetime

    from cli import action_from_args, danish_today, parser
    from domain.localtime import LOCAL_TZ

    assert danish_today() == datetime.now(LOCAL_TZ).date()  # real now: the command line's today is Denmark's real date
    answer = action_from_args(parser().parse_args(["oplysningsskema", "SAG-1"]), "anna")
    assert answer.answered_on == danish_today()


def test_the_timeline_is_in_danish_time_summer_and_winter():
    state = CaseState(
        reference="SAG-3",
        municipality="101",
        timeline=[
            TimelineEntry(datetime(2026, 7, 1, 6, 0, tzinfo=timezone.utc), "sagen oprettet", ""),
            TimelineEntry(datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc), "arbejdsgiver kontaktet", ""),
        ],
    )
    text = format_state(state)
    assert "Forløb (dansk tid):" in text
    assert "2026-07-01 08:00  sagen oprettet" in text and "2026-12-01 08:00  arbejdsgiver kontaktet" in text
    assert "+00:00" not in text


def test_status_shows_the_information_form_on_its_real_dates():
    """Sent Friday 31 July 2026 with the employer's report -> due Saturday 8 August (the literal date, the
    citizen's deadline); an agreed later date 20 August; answered 21 August is late."""
    from dataclasses import replace

    rules = ruleset_for(FIRST_DAY, load_rulesets())
    state = CaseState(
        reference="SAG-1",
        municipality="101",
        rules=rules,
        deadlines=compute_deadlines(FIRST_DAY, rules),
        info_form_sent_on=date(2026, 7, 31),
        info_form_sent_recorded=True,
        info_form_via="employer_report",
    )
    assert (
        "Oplysningsskema:    sendt 2026-07-31 automatisk med arbejdsgiverens anmeldelse, svarfrist 2026-08-08, "
        "ikke besvaret"
    ) in format_state(state)
    agreed = replace(state, info_form_answer_due=date(2026, 8, 20), info_form_answered_on=date(2026, 8, 21))
    assert "svarfrist 2026-08-20 (aftalt), besvaret 2026-08-21 (for sent)" in format_state(agreed)
    on_time = replace(agreed, info_form_answered_on=date(2026, 8, 20))
    assert "besvaret 2026-08-20" in format_state(on_time) and "for sent" not in format_state(on_time)
