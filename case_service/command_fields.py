"""The fields and choices several commands of the registry share, and how a confirmation reads a case's answer
(`outcome`, `day`). Part of the one command registry (`case_service/registry.py`)."""

from __future__ import annotations

from datetime import date

from case_service.command_spec import Choice, Field
from domain.results import UpdateResult


# --- the case's answers, read as the confirmations need them ---------------------------------------------
def outcome(result: UpdateResult) -> str:
    """The answer's outcome code ("workplace", "late", "call_in"): its kind, or its value for a plain answer."""
    return result.value if result.kind in ("done", "") else result.kind


def day(iso: str) -> str:
    """An ISO date as a Danish short date (30.09.2026); anything else as it is."""
    try:
        return f"{date.fromisoformat(iso):%d.%m.%Y}"
    except ValueError:
        return iso


# --- the fields several commands share ---------------------------------------------------------------------
MEETING = Field("meeting_number", "Møde", "select", option="--moede", cli_default=1)
PARTSTATS = (
    Choice("ACCEPTED", "Ja, deltager", ("ja",)),
    Choice("DECLINED", "Nej, kan ikke", ("nej",)),
    Choice("TENTATIVE", "Måske", ("maaske", "måske")),
)
LOCATIONS = (
    Choice("workplace", "På arbejdspladsen", ("arbejdspladsen",)),
    Choice("jobcenter", "På jobcentret", ("jobcenter",)),
    Choice("phone", "Telefonisk", ("telefon",)),
    Choice("elsewhere", "Et andet sted", ("andet",)),
)
REQUESTERS = (
    Choice("employer", "Arbejdsgiveren", ("arbejdsgiver",)),
    Choice("employee", "Medarbejderen", ("medarbejder",)),
)
MEASURES = (
    Choice("gradual_return", "Gradvis tilbagevenden", ("gradvis",)),
    Choice("work_trial", "Virksomhedspraktik", ("praktik",)),
    Choice("wage_subsidy", "Løntilskud", ("loentilskud",)),
    Choice("mentor", "Mentor", ("mentor",)),
    Choice("other", "Andet", ("andet",)),
)
PARTIAL_RECOVERY_IS_NO_END = (
    "En delvis raskmelding afslutter ikke sagen: medarbejderen får nedsatte sygedagpenge, "
    "og opfølgningen fortsætter (sygedagpengeloven § 8). Registrér den sådan:\n"
    "  fasthold delvis {reference} --timer TIMER_OM_UGEN --fra ÅÅÅÅ-MM-DD"
)
END_TYPES = (
    Choice("full_recovery", "Raskmeldt", ("rask",)),
    Choice(
        "partial_recovery", "Delvis raskmeldt", ("delvis-rask",), web=False, not_this_command=PARTIAL_RECOVERY_IS_NO_END
    ),
    Choice("dismissal", "Opsagt", ("opsagt",)),
    Choice("moved_municipality", "Flyttet kommune", ("flyttet",)),
    Choice("benefit_ended", "Sygedagpenge ophørt", ("ophoert",)),
    Choice("death", "Død", ("doed",)),
)
OUTCOMES = (
    Choice("work", "Beskæftigelse", ("job",)),
    Choice("education", "Uddannelse", ("uddannelse",)),
    Choice("other", "Andet", ("andet",)),
)
VIA = (
    Choice("digital_post", "Med Digital Post", ("digital-post",)),
    Choice("employer_report", "Automatisk med arbejdsgiverens anmeldelse", ("arbejdsgiver",)),
)
TODAY = "ÅÅÅÅ-MM-DD (standard: i dag)"
