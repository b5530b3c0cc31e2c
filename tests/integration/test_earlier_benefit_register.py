"""§ 24 across cases in the register, on SQLite and on PostgreSQL: the same person's earlier, ended cases
are found by the identity the register holds, and give their benefit days after the employer period, less the
periods without benefit recorded on them. Nothing is found for another person, nor for a case still running.

By hand: the earlier case's first day is 4 July 2026, so benefit (after the 30-day employer period) starts 3 August;
it ended 1 October; a period without benefit 1-10 September splits it into 3-31 August and 11 September-1 October.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timezone

from activities.register import CaseUpdate, EarlierBenefitRequest
from domain.sick_report import parse_sick_report
from tests.conftest import sick_report
from tests.integration.test_register_both_dbs import activities, register  # noqa: F401  (fixtures)

TODAY = date(2026, 12, 4)


def registered(activities, first_day: date, cpr: str):  # noqa: F811 - the fixture imported above
    case = parse_sick_report({**sick_report(), "first_day_of_absence": first_day.isoformat()}, today=TODAY)
    case = replace(case, employee=replace(case.employee, cpr=cpr))
    activities.register_case(case)
    return case


def ended(activities, case, on: date, pause: tuple[date, date] | None = None) -> None:  # noqa: F811 - the fixture imported above
    closed_at = datetime.combine(TODAY, time(9), timezone.utc)  # a fixed moment, never the machine's clock
    activities.update_case(
        CaseUpdate(
            case.reference,
            case.municipality,
            f"{case.reference}/end",
            "case_closed",
            "engine",
            {"end_date": on, "closed_at": closed_at},
        )
    )
    if pause:
        activities.update_case(
            CaseUpdate(
                case.reference,
                case.municipality,
                f"{case.reference}/pause",
                "benefit_pause",
                "anna",
                {},
                {"start": pause[0].isoformat(), "end": pause[1].isoformat()},
            )
        )


def test_earlier_cases_of_the_same_person_give_their_benefit_days(activities):  # noqa: F811
    earlier = registered(activities, date(2026, 7, 4), "0101801234")
    ended(activities, earlier, date(2026, 10, 1), pause=(date(2026, 9, 1), date(2026, 9, 10)))
    someone_else = registered(activities, date(2026, 7, 4), "0202802345")
    ended(activities, someone_else, date(2026, 10, 1))
    running = registered(activities, date(2026, 8, 1), "0101801234")  # not ended: not counted
    case = registered(activities, date(2026, 11, 2), "0101801234")
    found = activities.earlier_benefit_periods(
        EarlierBenefitRequest(case.reference, case.municipality, case.first_day, 30)
    )
    assert [(p.start, p.end, p.source, p.note) for p in found] == [
        (date(2026, 8, 3), date(2026, 8, 31), "register", earlier.reference),
        (date(2026, 9, 11), date(2026, 10, 1), "register", earlier.reference),
    ]
    assert running.reference not in {p.note for p in found}
    # A case without an identity finds nothing.
    nobody = parse_sick_report({**sick_report(), "first_day_of_absence": "2026-11-03"}, today=TODAY)
    activities.register_case(replace(nobody, employee=replace(nobody.employee, cpr=None)))
    assert (
        activities.earlier_benefit_periods(
            EarlierBenefitRequest(nobody.reference, nobody.municipality, nobody.first_day, 30)
        )
        == []
    )
