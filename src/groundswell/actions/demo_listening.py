"""The demo's listening event, its harvest notes and the imported comments.

Texts come from ``groundswell.demo.listening``; each passes the same
personal-data gate as a typed or imported one (``listening_visibility``), so
the two with a phone or NHS number wait in the event's review queue, as do
the comments that name a doctor. Every timestamp is derived from the demo's
period, so two builds of one seed and day write the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from groundswell.actions.bulk_insert import as_rows, bulk_insert
from groundswell.actions.listening_visibility import gate
from groundswell.demo import DemoMovement
from groundswell.demo import listening as dl
from groundswell.demo.places import DAYS, TOWN_NAMES
from groundswell.store.models import Comment, HarvestNote, ListeningEvent, ListeningTable


def listening_counts() -> dict[str, int]:
    """Rows the demo puts in the listening tables (the same for every seed and size)."""
    return {
        "listening_events": 1,
        "listening_tables": len(dl.TABLES),
        "listening_hosts": 0,  # hosts are accounts, and the demo makes none
        "harvest_notes": len(dl.NOTES),
        "comments": dl.COMMENTS,
    }


def write_listening(session: Session, mv: DemoMovement) -> None:
    """The listening event with its tables and notes, and the comments."""
    at = mv.period
    heard = dl.generate_listening(mv.seed)
    held_on = at.on(heard.held_on)
    opened = datetime.combine(held_on - timedelta(days=14), time(10), UTC)
    event = bulk_insert(
        session,
        ListeningEvent,
        as_rows(
            1,
            slug=dl.SLUG,
            title=dl.TITLE,
            question=dl.QUESTION,
            questions=[list(dl.PROMPTS)],
            town=dl.TOWN,
            held_on=held_on,
            status="closed",
            created_at=opened,
        ),
        ids=True,
    )
    event_id = int(event[0])
    tables = bulk_insert(
        session,
        ListeningTable,
        as_rows(
            len(dl.TABLES),
            listening_event_id=event_id,
            name=list(dl.TABLES),
            position=list(range(1, len(dl.TABLES) + 1)),
        ),
        ids=True,
    )
    start = datetime.combine(held_on, time(18, 30), UTC)
    bulk_insert(
        session,
        HarvestNote,
        as_rows(
            len(heard.note_text),
            listening_event_id=event_id,
            table_id=[int(tables[t]) for t in heard.note_table.tolist()],
            text=list(heard.note_text),
            source="typed",
            status=[gate(t).status.value for t in heard.note_text],
            town=dl.TOWN,
            created_at=[start + timedelta(minutes=2 * i) for i in range(len(heard.note_text))],
        ),
    )
    imported = datetime.combine(at.on(DAYS - 1), time(9), UTC)
    bulk_insert(
        session,
        Comment,
        as_rows(
            len(heard.comment_text),
            source=dl.SOURCE,
            text=list(heard.comment_text),
            town=[TOWN_NAMES[t] for t in heard.comment_town.tolist()],
            received_on=[at.on(d) for d in heard.comment_day.tolist()],
            external_id=[f"{dl.SOURCE}-{i + 1:04d}" for i in range(len(heard.comment_text))],
            status=[gate(t).status.value for t in heard.comment_text],
            imported_at=imported,
        ),
    )
