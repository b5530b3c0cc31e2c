"""Danish templates: every kind renders, missing data fails loudly, HTML is escaped."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import jinja2
import pytest

from mailing.rendering import MONTHS, WEEKDAYS, Rendered, dato, datotid, kinds, kortdato, render, tid

CPH = ZoneInfo("Europe/Copenhagen")

CASE = {
    "reference": "FH-2026-0042",
    "municipality": "751",
    "municipality_name": "Aarhus Kommune",
    "employee_name": "Mette Hansen",
    "employer_name": "Jensen & Co ApS",
    "workplace_address": "Vestergade 1, 8000 Aarhus C",
    "contact_name": "Lars Jensen",
    "caseworker_name": "Sofie Nielsen",
    "caseworker_email": "sofie.nielsen@kommune.example",
    "caseworker_phone": "87 13 00 00",
    "first_day": date(2026, 1, 5),
    "first_meeting_due": date(2026, 3, 1),
}
MEETING = {
    "start": datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc),
    "end": datetime(2026, 1, 12, 10, 0, tzinfo=timezone.utc),
    "location": "Vestergade 1, 8000 Aarhus C",
    "sequence": 0,
    "is_update": False,
}
TASK = {
    "title": "Ring til arbejdsgiveren",
    "what": "Arbejdsgiveren har ikke svaret på invitationen. Ring og aftal et tidspunkt for samtalen.",
    "due": date(2026, 1, 20),
    "command": "fasthold meeting book FH-2026-0042 --start 2026-01-22T10:00",
}


def contexts(case=CASE) -> dict[str, dict]:
    return {
        "employer_request": {
            "case": case,
            "recipient_name": "Lars Jensen",
            "slots": [datetime(2026, 1, 12, 10, tzinfo=CPH), datetime(2026, 1, 14, 13, 30, tzinfo=CPH)],
            "reminder": False,
        },
        "invitation": {"case": case, "meeting": MEETING, "recipient_name": "Lars Jensen", "recipient_role": "employer"},
        "cancellation": {
            "case": case,
            "meeting": MEETING,
            "recipient_name": "Lars Jensen",
            "reason": "Mette Hansen er raskmeldt.",
        },
        "meeting_reminder": {"case": case, "meeting": MEETING, "recipient_name": "Mette Hansen"},
        "caseworker_task": {"case": case, "task": TASK},
        "escalation": {
            "case": case,
            "reason": "Første opfølgningssamtale er ikke booket, og fristen nærmer sig.",
            "deadline": date(2026, 3, 1),
            "team_lead_name": "Peter Holm",
        },
        "case_closed": {"case": case, "end_type": "fuld raskmelding", "recipient_name": "Lars Jensen"},
        "employer_estimate_request": {"case": case, "recipient_name": "Lars Jensen", "reminder": False},
        "info_form_reminder": {"case": case, "recipient_name": "Mette Hansen", "deadline": date(2026, 1, 13)},
        "case_reassigned": {
            "case": case,
            "old_caseworker_name": "Ole Berg",
            "new_caseworker_name": "Sofie Nielsen",
            "reason": "Ole Berg er gået på orlov.",
            "recipient_name": "Lars Jensen",
        },
    }


ALL_KINDS = sorted(contexts())
CPR_LIKE = re.compile(r"\b\d{6}-?\d{4}\b")


def test_every_contract_kind_has_templates():
    assert set(ALL_KINDS) <= kinds()


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_renders(kind):
    out = render(kind, contexts()[kind])
    assert isinstance(out, Rendered)
    assert out.subject and "\n" not in out.subject and len(out.subject) < 140
    assert "{{" not in out.subject + out.text + out.html and "{%" not in out.text + out.html
    assert out.text.endswith("\n") and "\n\n\n" not in out.text
    assert out.html.startswith("<!DOCTYPE html>") and '<html lang="da">' in out.html
    assert "FH-2026-0042" in out.text and "FH-2026-0042" in out.html
    assert not CPR_LIKE.search(out.subject + out.text + out.html)


def test_dates_and_times_are_danish_and_local():
    out = render("invitation", contexts()["invitation"])
    assert out.subject == "Invitation: Opfølgningssamtale mandag den 12. januar 2026 kl. 10.00"
    assert "mandag den 12. januar 2026 kl. 10.00–11.00" in out.text
    assert "mandag den 12. januar 2026 kl. 10.00&ndash;11.00" in out.html


def test_invitation_update_subject_and_roles():
    ctx = contexts()["invitation"]
    update = render("invitation", {**ctx, "meeting": {**MEETING, "is_update": True, "sequence": 1}})
    assert update.subject.startswith("Ændret tidspunkt: Opfølgningssamtale")
    assert "erstatter den gamle" in update.text

    employee = render("invitation", {**ctx, "recipient_role": "employee", "recipient_name": "Mette Hansen"})
    assert "din sygemelding" in employee.text and "bisidder" in employee.text

    caseworker = render("invitation", {**ctx, "recipient_role": "caseworker", "recipient_name": "Sofie Nielsen"})
    assert caseworker.subject.endswith("sag FH-2026-0042")
    assert caseworker.text.startswith("Hej Sofie Nielsen")
    assert "Med venlig hilsen" not in caseworker.text

    with pytest.raises(ValueError, match="recipient_role"):
        render("invitation", {**ctx, "recipient_role": "boss"})


def test_a_handover_at_the_same_time_says_who_the_new_caseworker_is_not_that_the_time_changed():
    ctx = contexts()["invitation"]
    same = render(
        "invitation", {**ctx, "meeting": {**MEETING, "is_update": True, "sequence": 1}, "handed_over": "Mikkel Krogh"}
    )
    assert same.subject.startswith("Ny sagsbehandler: Opfølgningssamtale")
    assert "Ændret" not in same.subject and "ny sagsbehandler: Mikkel Krogh" in same.text
    assert "Tidspunkt og sted er de samme" in same.html


def test_employer_request_explains_why_and_lists_slots():
    out = render("employer_request", contexts()["employer_request"])
    assert "8. uge" in out.text and "sygedagpengeloven" in out.text
    assert "søndag den 1. marts 2026" in out.text  # the deadline
    assert "- mandag den 12. januar 2026 kl. 10.00" in out.text
    assert "- onsdag den 14. januar 2026 kl. 13.30" in out.text
    assert "kalenderinvitation" in out.text
    assert "svar blot på denne e-mail" in out.text
    assert out.html.count("<li>") == 2


def test_employer_request_reminder_says_so():
    first = render("employer_request", contexts()["employer_request"])
    again = render("employer_request", {**contexts()["employer_request"], "reminder": True})
    assert again.subject == "Påmindelse: " + first.subject
    assert "ikke har hørt fra jer" in again.text and "ikke har hørt fra jer" in again.html
    assert "ikke har hørt fra jer" not in first.text


def test_employer_request_without_slots():
    out = render("employer_request", {**contexts()["employer_request"], "slots": []})
    assert "Forslag til tidspunkt" not in out.text and "<ul>" not in out.html


def test_caseworker_task_says_what_which_case_and_by_when():
    out = render("caseworker_task", contexts()["caseworker_task"])
    assert out.subject == "Opgave: Ring til arbejdsgiveren – sag FH-2026-0042 – frist 20. januar 2026"
    assert "Frist: tirsdag den 20. januar 2026" in out.text
    assert TASK["what"] in out.text
    # The task links to the case page in the workbench, never to a shell command.
    assert "fasthold meeting" not in out.text and "kommando" not in out.text
    linked = render(
        "caseworker_task",
        {**contexts()["caseworker_task"], "case_url": "https://fasthold.kommune.dk/sager/FH-2026-0042"},
    )
    assert "Åbn sagen, og løs opgaven her:\nhttps://fasthold.kommune.dk/sager/FH-2026-0042" in linked.text
    assert 'href="https://fasthold.kommune.dk/sager/FH-2026-0042"' in linked.html


def test_optional_fields_left_out_cleanly():
    case = {**CASE, "caseworker_phone": ""}
    out = render("cancellation", {**contexts(case)["cancellation"], "reason": ""})
    assert "Begrundelse" not in out.text and "Begrundelse" not in out.html
    assert "Telefon" not in out.text and "Telefon" not in out.html


def test_case_closed_addresses_employee_directly_when_told():
    ctx = {**contexts()["case_closed"], "recipient_role": "employee", "recipient_name": "Mette Hansen"}
    assert "din sygemelding" in render("case_closed", ctx).text


def test_html_is_escaped_text_is_not():
    case = {**CASE, "employer_name": "<b>Jensen & Co</b>"}
    for kind, ctx in contexts(case).items():
        out = render(kind, ctx)
        assert "<b>Jensen & Co</b>" in out.text, kind
        assert "<b>Jensen" not in out.html, kind
        assert "&lt;b&gt;Jensen &amp; Co&lt;/b&gt;" in out.html, kind
        assert "&amp;" not in out.text and "&lt;" not in out.text, kind


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_missing_variable_is_an_error(kind):
    ctx = contexts()[kind]
    extra = sorted(k for k in ctx if k != "case")
    for key in extra:
        broken = {k: v for k, v in ctx.items() if k != key}
        with pytest.raises(jinja2.UndefinedError):
            render(kind, broken)
    broken_case = {k: v for k, v in CASE.items() if k != "reference"}
    with pytest.raises(jinja2.UndefinedError):
        render(kind, {**ctx, "case": broken_case})


def test_missing_nested_key_is_an_error():
    meeting = {k: v for k, v in MEETING.items() if k != "location"}
    with pytest.raises(jinja2.UndefinedError):
        render("meeting_reminder", {**contexts()["meeting_reminder"], "meeting": meeting})


@pytest.mark.parametrize("kind", ["nope", "../templates/invitation", "_base", "", "Invitation"])
def test_unknown_kind(kind):
    with pytest.raises(ValueError, match="unknown message kind"):
        render(kind, {})


def test_unknown_kind_names_it():
    with pytest.raises(ValueError, match="'reminder_v2'"):
        render("reminder_v2", {})


# --------------------------------------------------------------------------- filters


def test_dato():
    assert dato(date(2026, 1, 12)) == "mandag den 12. januar 2026"
    assert dato(date(2026, 5, 3)) == "søndag den 3. maj 2026"
    assert kortdato(date(2026, 12, 1)) == "1. december 2026"
    # an aware datetime is first moved to Danish local time: 23:30 UTC on 31 Dec is 1 Jan in Denmark
    assert dato(datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)) == "torsdag den 1. januar 2026"


def test_tid_and_datotid_summer_and_winter():
    assert tid(datetime(2026, 7, 6, 8, 0, tzinfo=timezone.utc)) == "10.00"
    assert tid(datetime(2026, 1, 12, 9, 5, tzinfo=timezone.utc)) == "10.05"
    assert datotid(datetime(2026, 1, 12, 10, 0, tzinfo=CPH)) == "mandag den 12. januar 2026 kl. 10.00"
    assert datotid(datetime(2026, 7, 6, 8, 0, tzinfo=timezone.utc)) == "mandag den 6. juli 2026 kl. 10.00"


def test_filters_refuse_naive_datetimes():
    with pytest.raises(ValueError):
        tid(datetime(2026, 1, 12, 10, 0))
    with pytest.raises(ValueError):
        datotid(datetime(2026, 1, 12, 10, 0))
    with pytest.raises(TypeError):
        dato("2026-01-12")


def test_name_tables():
    assert len(WEEKDAYS) == 7 and len(MONTHS) == 12
    assert [dato(date(2026, 1, d)).split()[0] for d in range(5, 12)] == list(WEEKDAYS)


def test_employer_request_under_the_2026_rules_calls_week_eight_the_model_target_and_asks_for_the_estimate():
    ctx = {**contexts()["employer_request"], "model_target_meeting": "ja", "ask_estimate": "ja"}
    out = render("employer_request", ctx)
    assert "kommunens eget mål" in out.text and "Efter sygedagpengeloven skal" not in out.text
    assert "seks måneder" in out.text and "kommunens eget mål" in out.html
    assert "Hvor længe forventer I, at fraværet varer?" in out.text and "Hvor længe forventer I" in out.html
    plain = render("employer_request", contexts()["employer_request"])
    assert "Hvor længe forventer I" not in plain.text and "kommunens eget mål" not in plain.text


def test_the_employer_is_asked_for_its_estimate_and_told_why():
    out = render("employer_estimate_request", contexts()["employer_estimate_request"])
    assert out.subject == "Hvor længe forventer I, at sygefraværet varer? – sag FH-2026-0042"
    assert "26 uger" in out.text and "både medarbejderen og arbejdsgiveren" in out.text
    assert "antallet af uger" in out.text and "helbred" in out.text
    reminder = render("employer_estimate_request", {**contexts()["employer_estimate_request"], "reminder": True})
    assert reminder.subject.startswith("Påmindelse: ") and "skriver igen" in reminder.text


def test_the_information_form_reminder_names_the_date_and_keeps_health_out_of_e_mail():
    out = render("info_form_reminder", contexts()["info_form_reminder"])
    assert out.subject == "Husk at besvare oplysningsskemaet senest 13. januar 2026 – sag FH-2026-0042"
    assert "tirsdag den 13. januar 2026" in out.text and "Digital Post" in out.text and "§ 11" in out.text
    assert "ikke sende svarene med almindelig e-mail" in out.text
