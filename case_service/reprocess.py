"""Reprocess a kept reply: an operator feeds a message the gateway kept without applying it (an unknown meeting,
an unreadable calendar, a case that refused it, an internal error) through again, once the cause is fixed.

    fasthold genbehandl                     the kept replies in inbox/refused/, and whether each can be
    fasthold genbehandl <file> --bruger X   reprocessed; then one of them, audited under X

Putting the file back in inbox/new/ does not do it: the gateway records each message once (its message key)
and files a second delivery as a duplicate. This is the explicit way, with the gateway's own decision path
and sender trust, and it never applies an answer twice:
- a message recorded as applied (in accepted/, or ``received`` in the register) is refused, and so is one
  whose answers were partly applied or handed to the caseworker as a task (the caseworker decides those);
- each answer goes to its case under the same update id as the first time, so even two operators at once, or
  a retry after a crash, reach the case once;
- the register's row takes the new outcome (from ``refused`` only), an audit event names who did it and both
  outcomes, and the kept file moves to accepted/ or stays in refused/ with its new reason, its record
  listing every reprocessing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from case_service.replies import Outcome, Processor, Transient
from mailing.inbox import Received
from observability.logs import about_case
from register import reprocessing

log = logging.getLogger("fasthold.gateway")

STEM = re.compile(r"^\d{8}T\d{12}-[0-9a-f]{8}")  # how mailing.inbox names a kept message


class ReprocessRefused(Exception):
    """Why a kept reply is not fed through again, in Danish for the operator."""


@dataclass(frozen=True)
class Kept:
    path: Path
    record: dict[str, Any]  # the message's JSON record, as the gateway filed it

    @property
    def stem(self) -> str:
        match = STEM.match(self.path.name)
        return match.group(0) if match else self.path.stem

    def why_not(self) -> str | None:
        """Why this message may not be reprocessed, or None."""
        record, name = self.record, self.path.name
        reference = record.get("case_reference") or "-"
        if self.path.parent.name == "accepted" or record.get("status") == "received":
            return f"Svaret {name} er allerede registreret på sag {reference}; det genbehandles ikke."
        if record.get("reason") == "duplicate":
            return (
                f"Svaret {name} er en gentagelse af en besked, der allerede er modtaget (samme Message-ID); "
                "genbehandl den første."
            )
        if any(answer.get("applied") for answer in record.get("answers", ())):
            return (
                f"Svaret {name} er delvist registreret på sag {reference}; resten må sagsbehandleren "
                "registrere i sagen."
            )
        if any(answer.get("review") for answer in record.get("answers", ())):
            return (
                f"Svaret {name} er givet til sagsbehandleren som opgave på sag {reference}; det afgøres dér, "
                "ikke ved genbehandling."
            )
        return None


def kept_replies(processor: Processor) -> list[Kept]:
    """The messages kept in refused/, oldest first."""
    return [kept for path in sorted(processor.inbox.refused.glob("*.eml")) if (kept := _read(path)) is not None]


def listing(processor: Processor) -> str:
    found = kept_replies(processor)
    if not found:
        return f"Der er ingen afviste svar i {processor.inbox.refused}."
    lines = [f"Afviste svar i {processor.inbox.refused} (genbehandl ét med: fasthold genbehandl <fil>):"]
    for kept in found:
        record = kept.record
        why = kept.why_not()
        lines.append(
            f"  {kept.path.name}  modtaget {record.get('received_at') or '-'}  "
            f"årsag {record.get('reason') or '-'}  sag {record.get('case_reference') or '-'}"
            + ("  (kan ikke genbehandles)" if why else "")
        )
    return "\n".join(lines)


def find(processor: Processor, name: str) -> Kept:
    """A kept message by its file name (with or without .eml, as a log line or an earlier listing named it) or
    its stem, wherever it is now; never a path elsewhere."""
    wanted = Path(name).name.removesuffix(".eml")
    stem = match.group(0) if (match := STEM.match(wanted)) else wanted
    matches = [
        path
        for folder in (processor.inbox.refused, processor.inbox.accepted)
        for path in folder.glob("*.eml")
        if stem in (path.stem, Kept(path, {}).stem)
    ]
    if not matches:
        raise ReprocessRefused(
            f"Der er intet gemt svar ved navn {wanted} i {processor.inbox.root}/refused "
            "eller accepted. Se listen med: fasthold genbehandl"
        )
    kept = _read(matches[0])
    if kept is None:
        raise ReprocessRefused(f"Oplysningerne om {matches[0].name} (filen {matches[0].stem}.json) kan ikke læses.")
    return kept


async def reprocess(
    processor: Processor, name: str, *, actor: str, seen_reprocessings: int | None = None
) -> tuple[Outcome, Path]:
    """Feed one kept reply through again: its new outcome, and where it is kept now.

    One reprocessing of a message at a time, across processes (two operators each run the CLI): the first
    holds an exclusive lock on the message's stem; a second is refused at once, and one that comes after
    finds the message where the first filed it. `seen_reprocessings` (the web page's form): how many times the
    message had been reprocessed when the page showed it; a form sent again after that (Back and send, a
    second tab) is refused instead of feeding the message through a second time."""
    kept = find(processor, name)
    with _claim(processor, kept):
        now = find(processor, name)
        done = now.record.get("reprocessed", ())
        if seen_reprocessings is not None and len(done) != seen_reprocessings:
            last = done[-1] if done else {}
            raise ReprocessRefused(
                f"Svaret {kept.path.name} er allerede genbehandlet, efter siden blev vist "
                f"(af {last.get('by', '-')}); se listen for, hvordan det gik."
            )
        return await _reprocess(processor, now, actor=actor)


@contextlib.contextmanager
def _claim(processor: Processor, kept: Kept) -> Iterator[None]:
    lock_path = processor.inbox.refused / f".{kept.stem}.lock"
    with open(lock_path, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReprocessRefused(
                f"Svaret {kept.path.name} genbehandles samtidig af en anden; se listen igen om lidt."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


async def _reprocess(processor: Processor, kept: Kept, *, actor: str) -> tuple[Outcome, Path]:
    if why := kept.why_not():
        raise ReprocessRefused(why)
    record = kept.record
    key = str(record.get("message_key") or "")
    recorded = await asyncio.to_thread(reprocessing.inbound_status, processor.register, key) if key else None
    if recorded is None:
        raise ReprocessRefused(
            f"Svaret {kept.path.name} findes ikke i registret (nøgle {key or '-'}); det kan ikke genbehandles."
        )
    if recorded[0] != "refused":
        raise ReprocessRefused(
            f"Svaret {kept.path.name} står som '{recorded[0]}' i registret på sag "
            f"{recorded[1] or '-'}; kun et afvist svar genbehandles."
        )
    raw = await asyncio.to_thread(kept.path.read_bytes)
    item = Received(
        kept.path,
        tuple(record.get("rcpt_tos", ())),
        str(record.get("received_at", "")),
        peer=str(record.get("peer", "")),
    )
    try:
        outcome = await processor._outcome(raw, key, item)  # the gateway's own decision path, same update ids
    except Transient as err:
        raise ReprocessRefused(
            f"Sagen eller registret svarer ikke lige nu ({err}); svaret er uændret. Prøv igen om lidt."
        ) from None
    except Exception as err:  # as in the gateway: a bug is an outcome, recorded, never a lost message
        log.error("kept reply %s: internal error %s", kept.stem, type(err).__name__)
        log.debug("internal error", exc_info=True)
        outcome = Outcome(reason="internal_error", detail="internal_error")
    earlier = {"status": record.get("status"), "reason": record.get("reason"), "detail": record.get("detail")}
    await asyncio.to_thread(
        reprocessing.record_reprocessed,
        processor.register,
        key=key,
        outcome=outcome,
        actor=actor,
        kept_as=kept.path.name,
        earlier=earlier,
    )
    filed = await asyncio.to_thread(_file, processor, kept, outcome, actor, earlier)
    log.info(
        "kept reply reprocessed: %s, case %s (%s, was %s)",
        outcome.status if outcome.status == "received" else outcome.reason,
        outcome.reference or "-",
        filed.name,
        earlier["reason"],
        extra=about_case(outcome.reference, outcome.workflow_id),
    )
    return outcome, filed


def answer_text(outcome: Outcome, filed: Path) -> str:
    where = f"{filed.parent.name}/{filed.name}"
    if outcome.status == "received":
        return f"Svaret er genbehandlet og registreret på sag {outcome.reference}: {outcome.detail}. Gemt som {where}."
    return (
        f"Svaret er genbehandlet, men stadig afvist: {outcome.reason} (sag {outcome.reference or '-'}). "
        f"Gemt som {where}."
    )


def _read(path: Path) -> Kept | None:
    try:
        return Kept(path, json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _file(processor: Processor, kept: Kept, outcome: Outcome, actor: str, earlier: dict[str, Any]) -> Path:
    """Move the message to its new place, with its record: the new outcome, and every reprocessing so far."""
    record = {
        **kept.record,
        "status": outcome.status,
        "reason": outcome.reason,
        "detail": outcome.detail,
        "case_reference": outcome.reference,
        "purpose": outcome.purpose,
        "answers": outcome.answers,
        "reprocessed": [
            *kept.record.get("reprocessed", ()),
            {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "by": actor, "earlier": earlier},
        ],
    }
    if outcome.status == "received":
        target = processor.inbox.accepted / f"{kept.stem}.eml"
    else:
        target = processor.inbox.refused / f"{kept.stem}-{outcome.reason}.eml"
    tmp = target.with_name(f".{target.stem}.json.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, target.with_suffix(".json"))
    if target != kept.path:
        try:
            os.replace(kept.path, target)
        except FileNotFoundError:  # filed meanwhile by another reprocessing of it; the case heard it once
            raise ReprocessRefused(
                f"Svaret {kept.path.name} blev genbehandlet samtidig af en anden; se {target.name}."
            ) from None
        kept.path.with_suffix(".json").unlink(missing_ok=True)
    return target
