"""The sick report that opens a case: validated at the edge, before anything is written or started.

Validation lives here (pydantic) so the command line, an API and the tests refuse the same input with the
same messages, naming each bad field. What passes becomes a plain `CaseInput` the workflow can carry.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails

from domain.model import CaseInput, Employee, Employer
from domain.plain_text import hidden_characters, visible

MAX_DEPTH = 20  # nesting a sick report never needs; deeper JSON is refused before it is decoded

REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]{1,39}$"


class SickReportError(ValueError):
    """Raised with one Danish line per bad field, ready to show to the person who typed the report."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{field}: {message}" for field, message in problems))


def _mail_address(value: str) -> str:
    """One plain address, checked by email-validator: no display name, no encoded word, an ASCII local part
    (the mail path does not use SMTPUTF8, so a local part such as `møtte` could never be delivered), the
    domain converted to its ASCII (IDNA) form."""
    if "=?" in value:
        raise ValueError("må ikke indeholde kodede ord (=?...?=); skriv kun adressen")
    try:
        checked = validate_email(
            value,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_display_name=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError as err:
        if any(ord(ch) > 127 for ch in value.partition("@")[0]):
            raise ValueError("kan ikke bruges: delen før @ må kun have bogstaverne a-z, cifre og . _ - +") from None
        raise ValueError(f"er ikke en gyldig e-mailadresse ({_email_reason(err)})") from None
    return checked.ascii_email or checked.normalized


def _email_reason(err: EmailNotValidError) -> str:
    text = str(err).lower()
    if "@" in text and ("must have" in text or "missing" in text):
        return "mangler @ eller et domæne"
    if "domain" in text:
        return "domænet efter @ er ikke gyldigt"
    return "tegn eller form, en mailadresse ikke kan have"


def _name(value: str) -> str:
    if not visible(value):
        raise ValueError("skal indeholde synlige bogstaver")
    return value


def _iso_date(value: object) -> object:
    """A date is written as text, ÅÅÅÅ-MM-DD: no numbers read as timestamps, no booleans."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        raise ValueError("skal være en dato (ÅÅÅÅ-MM-DD)")
    return value.strip()


EmailAddress = Annotated[
    StrictStr, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_mail_address)
]
Name = Annotated[StrictStr, Field(min_length=1, max_length=200), AfterValidator(_name)]
Weeks = Annotated[int, Field(strict=True, ge=1, le=52)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _one_line(cls, value: object) -> object:
        # Every text of the report ends up in mail headers, calendars or pages: one line, nothing hidden.
        if isinstance(value, str) and hidden_characters(value):
            raise ValueError(
                f"må ikke indeholde linjeskift eller usynlige styretegn ({', '.join(hidden_characters(value)[:3])})"
            )
        return value


class ContactIn(_Strict):
    name: Name
    email: EmailAddress
    phone: Annotated[StrictStr, Field(max_length=40)] = ""


class EmployeeIn(_Strict):
    name: Name
    email: EmailAddress
    cpr: StrictStr | None = None

    @field_validator("cpr")
    @classmethod
    def _cpr(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        digits = value.replace("-", "")
        if not re.fullmatch(r"[0-9]{10}", digits):  # ASCII only: \d would take Arabic-Indic or full-width
            raise ValueError("skal være 10 cifre (DDMMÅÅ-XXXX)")
        day, month = int(digits[0:2]), int(digits[2:4])
        if not (1 <= day <= 31 and 1 <= month <= 12):
            raise ValueError("begynder ikke med en gyldig dato (DDMMÅÅ)")
        return digits


class EmployerIn(_Strict):
    name: Name
    cvr: StrictStr
    workplace_address: Annotated[StrictStr, Field(min_length=5, max_length=300), AfterValidator(_name)]
    contact: ContactIn

    @field_validator("cvr")
    @classmethod
    def _cvr(cls, value: str) -> str:
        digits = value.replace(" ", "")
        if not re.fullmatch(r"[0-9]{8}", digits):
            raise ValueError("skal være 8 cifre")
        # CVR numbers carry a modulus-11 check digit; a typo is caught here, not at the employer's door.
        if sum(int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11:
            raise ValueError("er ikke et gyldigt CVR-nummer (kontrolciffer passer ikke)")
        return digits


class ExemptionsIn(_Strict):
    seriously_ill: StrictBool = False
    workplace_is_cause: StrictBool = False


class SickReportIn(_Strict):
    case_reference: StrictStr = Field(pattern=REFERENCE_PATTERN)
    municipality: StrictStr = Field(pattern=r"^[0-9]{3}$")
    first_day_of_absence: Annotated[date, BeforeValidator(_iso_date)]
    expected_absence_weeks: Weeks
    employer_expected_absence_weeks: Weeks | None = None
    employee: EmployeeIn
    employer: EmployerIn
    exemptions: ExemptionsIn = ExemptionsIn()

    @field_validator("case_reference")
    @classmethod
    def _no_cpr_in_reference(cls, value: str) -> str:
        # The reference becomes the workflow id and a search attribute: it must never carry a CPR number.
        if re.search(r"\d{6}-?\d{4}", value):
            raise ValueError("må ikke indeholde et CPR-nummer eller 10 cifre i træk")
        return value


_MESSAGES = {
    "missing": "mangler",
    "extra_forbidden": "er ikke et kendt felt",
    "string_pattern_mismatch": "har ikke det rigtige format",
    "string_too_short": "er for kort eller tom",
    "string_too_long": "er for lang",
    "date_from_datetime_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_type": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "int_parsing": "skal være et helt tal",
    "int_type": "skal være et helt tal",
    "greater_than_equal": "er for lille",
    "less_than_equal": "er for stor",
    "bool_parsing": "skal være true eller false",
    "bool_type": "skal være true eller false",
    "value_error": "",
    "model_type": "skal være et objekt",
    "string_type": "skal være en tekst",
    "dict_type": "skal være et objekt",
    "list_type": "skal være en liste",
    "int_from_float": "skal være et helt tal",
    "none_required": "skal udelades",
}
_FALLBACK = "har en værdi af forkert type eller form"
MAX_FILE_BYTES = 1_000_000


def _problem(error: ErrorDetails) -> tuple[str, str]:
    field = ".".join(str(part) for part in error["loc"]) or "(rapporten)"
    kind = error["type"]
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
    elif kind in ("greater_than_equal", "less_than_equal"):
        limit = error.get("ctx", {}).get("ge", error.get("ctx", {}).get("le"))
        message = f"{_MESSAGES[kind]} (grænse: {limit})"
    else:
        message = _MESSAGES.get(kind) or _FALLBACK  # never pydantic's English
    if "email" in kind or (kind == "value_error" and "email" in error["msg"].lower()):
        message = "er ikke en gyldig e-mailadresse"
    return field, message


def parse_sick_report(data: object, *, today: date) -> CaseInput:
    """Validate a decoded sick report; raise SickReportError naming every bad field."""
    try:
        report = SickReportIn.model_validate(data)
    except ValidationError as exc:
        raise SickReportError([_problem(e) for e in exc.errors()]) from None
    problems = []
    if report.first_day_of_absence > today:
        problems.append(("first_day_of_absence", "ligger i fremtiden"))
    if (today - report.first_day_of_absence).days > 365:
        problems.append(("first_day_of_absence", "ligger mere end et år tilbage"))
    if report.employee.email.lower() == report.employer.contact.email.lower():
        problems.append(("employer.contact.email", "er den samme som medarbejderens e-mail"))
    if problems:
        raise SickReportError(problems)
    return CaseInput(
        reference=report.case_reference,
        municipality=report.municipality,
        first_day=report.first_day_of_absence,
        expected_weeks=report.expected_absence_weeks,
        employer_expected_weeks=report.employer_expected_absence_weeks,
        employee=Employee(name=report.employee.name, email=report.employee.email.lower(), cpr=report.employee.cpr),
        employer=Employer(
            name=report.employer.name,
            cvr=report.employer.cvr,
            workplace_address=report.employer.workplace_address,
            contact_name=report.employer.contact.name,
            contact_email=report.employer.contact.email.lower(),
            contact_phone=report.employer.contact.phone,
        ),
        seriously_ill=report.exemptions.seriously_ill,
        workplace_is_cause=report.exemptions.workplace_is_cause,
    )


def load_sick_report(path: Path, *, today: date) -> CaseInput:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SickReportError([("(fil)", f"kan ikke læses: {exc.strerror or exc}")]) from None
    return parse_sick_report(decode_sick_report(raw), today=today)


def decode_sick_report(raw: bytes) -> object:
    """The JSON of a sick report file, or SickReportError in Danish: too large, not UTF-8, nested too deeply,
    not JSON."""
    if len(raw) > MAX_FILE_BYTES:
        raise SickReportError([("(fil)", f"er for stor (over {MAX_FILE_BYTES // 1000} kB)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SickReportError(
            [("(fil)", f"er ikke UTF-8-tekst (ugyldig byte ved position {exc.start}); gem filen som UTF-8")]
        ) from None
    if _depth(text) > MAX_DEPTH:
        raise SickReportError([("(fil)", f"er indlejret for dybt (mere end {MAX_DEPTH} niveauer)")])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SickReportError([("(fil)", f"er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno})")]) from None
    except (RecursionError, ValueError):
        raise SickReportError([("(fil)", "er ikke gyldig JSON")]) from None


def _depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings, found without parsing (so without recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def json_schema() -> dict[str, Any]:
    return SickReportIn.model_json_schema()
