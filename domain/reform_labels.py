"""The Danish texts of the 2026 reform's paths (L 66): a running case moved to a new rule set, a case that is
no longer called in, and the answer to a caseworker who asks a case to look at the rule sets again.

Apart from `domain.labels` so that the workbench's labels and these can change without stepping on each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from domain.deadlines import CaseDeadlines
from domain.labels import DEADLINE_KIND, TaskText, long_date, track
from domain.results import UpdateResult, from_legacy

if TYPE_CHECKING:
    from domain.model import CaseState
    from domain.payloads import EarlierBenefit, RiskNote

DEADLINE_NAME = {
    **DEADLINE_KIND,
    "employer_conversation": "arbejdsgiverens sygefraværssamtale",
    "employer_report": "arbejdsgiverens anmeldelse",
    "measure": "virksomhedsrettet indsats inden uge 13",
    "reassessment": "revurdering (§ 24)",
}
KIND = {"statutory": "lovfrist", "model_target": "modellens mål"}

NOT_CALLED_IN = (
    "Både medarbejderen og arbejdsgiveren forventer nu under 26 ugers fravær. Efter reglerne fra 1. juli "
    "2026 bliver medarbejderen som udgangspunkt ikke indkaldt, så mødet er aflyst. Sagen overvåges "
    "fortsat."
)


def category(value: int | None) -> str:
    return "ingen (visitationen er udfaset)" if value is None else str(value)


def rule_set_changed(
    old_name: str,
    new_name: str,
    on: date,
    old: CaseDeadlines,
    new: CaseDeadlines,
    old_track: str | None,
    new_track: str | None,
    old_category: int | None,
    new_category: int | None,
) -> str:
    """What changed for the case when a new rule set took it over, and why, as one line of its timeline."""
    parts = [
        f"Regelsættet «{new_name}» gælder fra {on.isoformat()} også for sager, der allerede kører (før: «{old_name}»)."
    ]
    parts.append(
        f"Spor: {track(old_track)} → {track(new_track)}."
        if old_track != new_track
        else f"Spor: uændret ({track(new_track)})."
    )
    if old_category != new_category:
        parts.append(f"Kategori: {category(old_category)} → {category(new_category)}.")
    before = {d.name: d for d in old.all()}
    changes = []
    for deadline in new.all():
        was = before.pop(deadline.name, None)
        name = DEADLINE_NAME.get(deadline.name, deadline.name)
        if was is None:
            changes.append(f"ny {KIND[deadline.kind]}: {name} senest {deadline.due.isoformat()}")
        elif (was.due, was.kind) != (deadline.due, deadline.kind):
            changes.append(
                f"{name}: {was.due.isoformat()} ({KIND[was.kind]}) → {deadline.due.isoformat()} ({KIND[deadline.kind]})"
            )
    changes += [f"{DEADLINE_NAME.get(name, name)} gælder ikke længere" for name in before]
    parts.append("Frister: " + ("; ".join(changes) if changes else "uændrede") + ".")
    return " ".join(parts)


def rules_refreshed(result: UpdateResult | str) -> str:
    """The answer to `regelsaet`: the case follows the same set, switched now, or has a switch ahead."""
    result = from_legacy(result)
    if result.kind == "switched":
        return f"Sagen følger nu regelsættet «{result.value}»."
    if result.kind == "switch_ahead":
        on, _, name = result.value.partition("/")
        return f"Sagen skifter til regelsættet «{name}» den {on}."
    return f"Sagen følger fortsat regelsættet «{result.value}»."


def info_form_send_and_record() -> TaskText:
    return TaskText(
        "Send oplysningsskemaet, og registrér datoen",
        "Send oplysningsskemaet (sygedagpengeloven § 11) til medarbejderen via Digital Post, hvis det ikke "
        "allerede er sendt automatisk med arbejdsgiverens anmeldelse. Skemaet indeholder "
        "helbredsoplysninger og sendes derfor ikke med almindelig e-mail. Registrér den dag, skemaet blev "
        "sendt, og en senere svarfrist, hvis I har aftalt en: svarfristen, påmindelsen til medarbejderen "
        "og din opgave følger de datoer. Indtil da regnes de 8 dage fra i dag.",
    )


def info_form_sent(due_iso: str) -> str:
    return f"Afsendelsen af oplysningsskemaet er registreret. Svarfristen er {long_date(date.fromisoformat(due_iso))}."


VIA = {"digital_post": "med Digital Post", "employer_report": "automatisk med arbejdsgiverens anmeldelse"}


def info_form_status(state: CaseState) -> str:
    """The information form in one line: sent when and how, its answer date, and answered in time, late or not."""
    from domain.deadlines import info_form_dates

    if state.info_form_sent_on is None or state.rules is None:  # before intake has sent it
        return "ikke sendt"
    form = info_form_dates(state.info_form_sent_on, state.rules, answer_due=state.info_form_answer_due)
    sent = f"sendt {form.sent_on.isoformat()}"
    if state.info_form_sent_recorded:
        sent += f" {VIA.get(state.info_form_via or '', '')}".rstrip()
    else:
        sent += " (antaget: sagens oprettelse)"
    due = f"svarfrist {form.answer_due.isoformat()}" + (" (aftalt)" if state.info_form_answer_due else "")
    answered = state.info_form_answered_on
    if answered is None:
        return f"{sent}, {due}, ikke besvaret"
    return f"{sent}, {due}, besvaret {answered.isoformat()}" + (" (for sent)" if answered > form.answer_due else "")


SOURCE = {"register": "fra registret", "caseworker": "indtastet"}


def earlier_benefit(periods: Iterable[EarlierBenefit], before: date, after: date) -> str:
    """Earlier benefit periods that count toward § 24, and what they did to the reassessment date."""
    listed = "; ".join(
        f"{p.start.isoformat()} til {p.end.isoformat()} ({SOURCE.get(p.source, p.source)}"
        + (f", {p.note}" if p.note else "")
        + ")"
        for p in periods
    )
    moved = (
        f"revurderingen flyttes fra {before.isoformat()} til {after.isoformat()}"
        if after != before
        else f"revurdering fortsat senest {after.isoformat()}"
    )
    return f"Tidligere sygedagpenge tæller med (§ 24): {listed}; {moved}."


BAND = {"lav": "lav", "middel": "middel", "høj": "høj"}


def risk_line(risk: RiskNote) -> str:
    """The estimate as people read it: the band, the three factors that weigh most, the model (and if synthetic)."""
    factors = ", ".join(f"{label} ({'trækker op' if c > 0 else 'trækker ned'})" for label, c in risk.factors)
    return (
        f"Risiko for fravær over 26 uger: {BAND.get(risk.band, risk.band)} ({risk.probability:.0%}). "
        f"Vejer mest: {factors}. Model {risk.model_version}"
        + (" (trænet på syntetiske data)." if risk.synthetic else ".")
    )


def consider_follow_up(risk: RiskNote) -> TaskText:
    return TaskText(
        "Overvej opfølgning",
        "Sagen overvåges, fordi både medarbejderen og arbejdsgiveren forventer under 26 ugers fravær, men "
        f"beslutningsstøtten vurderer risikoen for et længere forløb som høj. {risk_line(risk)} "
        "Vurderingen er kun et skøn: beslut selv, om medarbejderen skal indkaldes, og registrér "
        "beslutningen med en begrundelse.",
    )


def follow_up_decided(value: str) -> str:
    return (
        "Beslutningen er registreret: medarbejderen indkaldes til en samtale på jobcentret."
        if value == "call_in"
        else "Beslutningen er registreret: sagen overvåges fortsat."
    )
