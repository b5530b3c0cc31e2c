"""The evaluation dataset as files: `sager.csv` (comma-separated, UTF-8, for any statistics program),
`sager.parquet` (pyarrow, with the column types) and `dataordbog.csv` (each column in Danish and English), with
whatever else the caller adds (the duration analysis, the learning log), bundled as one ZIP for a download or
written into a directory. Every export is recorded in the audit trail: who, when, which period, how many rows,
and the SHA-256 of each file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from register.models import AuditEvent
from reporting.evaluation import COLUMNS, evaluation_rows

ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_()}
EXPORT_ACTION = "evaluation_export"


@dataclass(frozen=True)
class EvaluationExport:
    municipality: str
    start: date
    end: date
    today: date
    rows: list[dict]
    files: dict[str, bytes]

    def zip_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, data in self.files.items():
                bundle.writestr(name, data)
        return out.getvalue()

    def write_to(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in self.files.items():
            path = directory / name
            path.write_bytes(data)
            written.append(path)
        return written


def cases_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in COLUMNS], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ("true" if v is True else "false" if v is False else "" if v is None else v) for k, v in row.items()}
        )
    return out.getvalue().encode("utf-8")


def cases_parquet(rows: list[dict]) -> bytes:
    schema = pa.schema([pa.field(c.name, ARROW_TYPES[c.kind]) for c in COLUMNS])
    table = pa.Table.from_pylist(rows, schema=schema)
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def dictionary_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kolonne_column", "type", "beskrivelse_da", "description_en"])
    for c in COLUMNS:
        writer.writerow([c.name, c.kind, c.da, c.en])
    return out.getvalue().encode("utf-8")


def build_export(
    session: Session,
    municipality: str,
    start: date,
    end: date,
    today: date,
    secret: str,
    actor: str,
    extra_files: dict[str, bytes] | None = None,
) -> EvaluationExport:
    """Read the rows, make the files and record the export in the audit trail (in the caller's transaction)."""
    rows = evaluation_rows(session, municipality, start, end, today, secret)
    files = {
        "sager.csv": cases_csv(rows),
        "sager.parquet": cases_parquet(rows),
        "dataordbog.csv": dictionary_csv(),
        **(extra_files or {}),
    }
    session.add(
        AuditEvent(
            case_id=None,
            at=datetime.now(timezone.utc),
            actor=actor[:100],
            action=EXPORT_ACTION,
            detail={
                "municipality": municipality,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "as_of": today.isoformat(),
                "rows": len(rows),
                "files": {n: hashlib.sha256(d).hexdigest() for n, d in files.items()},
            },
        )
    )
    return EvaluationExport(municipality, start, end, today, rows, files)
