"""Bad input, many times (Hypothesis; the CI profile in tests/conftest.py tries 1,500 inputs a test): the
sick-report intake and the workbench's forms either take an input or refuse it with a clear Danish message naming
the field; never another exception, never half a case."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.model import CaseInput
from domain.sick_report import SickReportError, parse_sick_report
from tests import reliability
from tests.conftest import sick_report
from web import forms

TODAY = date(2026, 11, 28)
FIELDS = [
    "case_reference",
    "municipality",
    "first_day_of_absence",
    "expected_absence_weeks",
    "employer_expected_absence_weeks",
    "employee",
    "employer",
    "exemptions",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def intake(data) -> CaseInput | SickReportError:
    reliability.add(inputs=1)
    try:
        case = parse_sick_report(data, today=TODAY)
    except SickReportError as refused:
        assert refused.problems and all(field and message for field, message in refused.problems)
        return refused
    assert isinstance(case, CaseInput) and case.reference and case.first_day <= TODAY
    return case


@given(json_values)
def test_any_json_is_a_case_or_a_clear_refusal(data):
    intake(data)


@given(
    st.sampled_from(
        FIELDS
        + [
            "employee.name",
            "employee.email",
            "employee.cpr",
            "employer.cvr",
            "employer.contact.email",
            "employer.workplace_address",
            "unknown",
        ]
    ),
    json_values,
)
def test_one_field_changed_to_anything_is_a_case_or_names_that_field(path, value):
    data = json.loads(json.dumps(sick_report(first_day_of_absence="2026-11-14")))
    target, *rest = path.split(".")
    holder = data
    for part in [target, *rest][:-1]:
        holder = holder.setdefault(part, {}) if isinstance(holder.get(part), dict) else holder
    holder[[target, *rest][-1]] = value
    outcome = intake(data)
    if isinstance(outcome, SickReportError):
        assert any(field.split(".")[0] == target for field, _ in outcome.problems), outcome.problems


@given(
    st.sampled_from(sorted(forms.FORMS)),
    st.dictionaries(
        st.sampled_from(
            [
                "hosts_at_workplace",
                "reason",
                "meeting_number",
                "held",
                "employer_took_part",
                "location",
                "held_at",
                "attendee_email",
                "partstat",
                "start",
                "requested_by",
                "requested_on",
                "employee_weeks",
                "employer_weeks",
                "kind",
                "start_date",
                "caseworker_id",
                "end_type",
                "end_date",
                "outcome",
                "agrees",
                "answered_on",
                "accept_late",
                "hours_per_week",
                "from_date",
                "note",
                "end",
                "junk",
            ]
        ),
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(
                [
                    "ja",
                    "nej",
                    "1",
                    "2026-12-01",
                    "2026-12-01T10:00",
                    "workplace",
                    "ACCEPTED",
                    "employer",
                    "mentor",
                    "full_recovery",
                    "work",
                ]
            ),
            st.text(min_size=2001, max_size=2100),
        ),
        max_size=8,
    ),
)
def test_a_submitted_form_is_a_command_or_names_each_bad_field(slug, data):
    form = forms.FORMS[slug]
    reliability.add(inputs=1)
    try:
        command = forms.build(form, data, "test (web)")
    except forms.FormErrors as bad:
        names = {f.name for f in form.fields}
        assert bad.errors and set(bad.errors) <= names and all(bad.errors.values())
        return
    assert command.actor == "test (web)"
