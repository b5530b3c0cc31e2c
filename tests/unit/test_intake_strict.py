"""The sick report's intake means what it says: each input below was let through before, or answered
in English or with "uventet fejl". Each is now refused with a Danish message naming its field."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from domain.sick_report import SickReportError, decode_sick_report, parse_sick_report
from tests.conftest import sick_report

TODAY = date(2026, 11, 28)
ROOT = Path(__file__).resolve().parents[2]
DANISH = ("skal", "må", "kan", "er ", "mangler", "har")


def report_with(path: str, value) -> dict:
    data = json.loads(json.dumps(sick_report(first_day_of_absence="2026-11-14")))
    *parents, last = path.split(".")
    holder = data
    for part in parents:
        holder = holder[part]
    holder[last] = value
    return data


REFUSED = [
    ("expected_absence_weeks", True),  # was 1 week: triaged outside the target group
    ("expected_absence_weeks", "30"),
    ("expected_absence_weeks", 30.0),
    ("employer_expected_absence_weeks", False),
    ("exemptions.seriously_ill", "true"),
    ("exemptions.seriously_ill", 1),
    ("first_day_of_absence", 1_763_078_400),  # a timestamp is not a date
    ("municipality", 101),
    ("employee.name", "Mette\u2028Sørensen"),  # line separator
    ("employee.name", "Mette\u2029Sørensen"),  # paragraph separator
    ("employee.name", "\u200b\u200b\u200b"),  # zero-width spaces only
    ("employee.name", "\u3164\u3164"),  # Hangul fillers: letters that show nothing
    ("employee.name", "Mette\U000e0041\U000e0042"),  # tag characters
    ("employer.contact.name", "Henrik\u00adLund"),  # soft hyphen (Cf)
    ("employer.workplace_address", "\u200b\u200b\u200b\u200b\u200b"),
    ("employee.cpr", "\u0661\u0662\u0660\u0663\u0668\u0669\u0661\u0662\u0663\u0664"),  # Arabic-Indic digits
    ("employee.cpr", "\uff11\uff12\uff10\uff13\uff18\uff19\uff11\uff12\uff13\uff14"),  # full-width digits
    ("employer.cvr", "\uff12\uff11\uff14\uff13\uff17\uff16\uff18\uff19"),
    ("employer.contact.email", "=?utf-8?q?henrik=40firma.example?= <spy@evil.example>"),  # mail went to spy
    ("employer.contact.email", "Henrik <henrik@firma.example>"),
    ("employer.contact.email", "henrik@firma.example, spy@evil.example"),
    ("employee.email", "møtte@example.com"),  # could never be sent (no SMTPUTF8): refused at once
    ("employee.email", '"mette sørensen"@example.com'),
    ("employee.email", "mette@[127.0.0.1]"),
    ("employee.email", 42),
]


@pytest.mark.parametrize("path, value", REFUSED, ids=[f"{p}={v!r}"[:60] for p, v in REFUSED])
def test_refused_with_a_danish_message_naming_the_field(path, value):
    with pytest.raises(SickReportError) as refused:
        parse_sick_report(report_with(path, value), today=TODAY)
    assert refused.value.problems, path
    fields = [field for field, _ in refused.value.problems]
    assert path in fields, refused.value.problems
    for _, message in refused.value.problems:
        assert message.startswith(DANISH) and "Input should" not in message and "value" not in message.lower(), message


def test_what_is_fine_stays_fine_and_an_idna_domain_is_converted():
    case = parse_sick_report(report_with("employee.email", "Mette@Bøgeskov.dk"), today=TODAY)
    assert case.employee.email == "mette@xn--bgeskov-q1a.dk"
    case = parse_sick_report(report_with("employee.name", "Åse Ærø-Østergård"), today=TODAY)
    assert case.employee.name == "Åse Ærø-Østergård"


@pytest.mark.parametrize(
    "raw, said",
    [
        (b"[" * 100_000 + b"]" * 100_000, "indlejret for dybt"),
        (b"\xff\xfe{\x00}\x00", "ikke UTF-8"),
        ('{"a": "æ"}'.encode("latin-1"), "ikke UTF-8"),
        (b'{"case_reference": ', "ikke gyldig JSON"),
        (b" " * 1_000_001, "for stor"),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_in_danish(raw, said):
    with pytest.raises(SickReportError) as refused:
        decode_sick_report(raw)
    assert said in str(refused.value)


@pytest.mark.parametrize(
    "raw, said", [(b"[" * 100_000 + b"]" * 100_000, "indlejret for dybt"), (b"\xff\xfe{}", "ikke UTF-8")]
)
def test_the_command_says_so_instead_of_an_unexpected_error(raw, said, tmp_path):
    path = tmp_path / "sygemelding.json"
    path.write_bytes(raw)
    result = subprocess.run(
        [sys.executable, "-m", "cli", "opret", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "FASTHOLD_DATA_DIR": str(tmp_path)},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2 and said in output, output
    assert "uventet" not in output and "Traceback" not in output
