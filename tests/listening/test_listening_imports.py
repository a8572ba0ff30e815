"""Typed-up notes and other channels' comments: all or nothing, through the same gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from groundswell.actions.listening import ListeningDetails, do_create_listening, do_edit_listening
from groundswell.actions.listening_comments import (
    comment_counts,
    do_review_comment,
    held_comments,
)
from groundswell.actions.listening_imports import (
    do_import_comments,
    do_import_notes,
    parse_received,
)
from groundswell.app import App
from groundswell.errors import Conflict, InputFileError, InvalidInput, NotFound
from groundswell.store.models import Comment, HarvestNote, NoteSource, NoteStatus


@pytest.fixture
def event(db_app: App) -> App:
    details = ListeningDetails(title="Moving more", question="What would help?", town="Morecambe")
    do_create_listening(db_app, "moving-more", details, tables=["Table 1", "Table 2"], actor="t")
    return db_app


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(app: App, model: type[HarvestNote] | type[Comment]) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_notes_import_with_held_lines(event: App, tmp_path: Path) -> None:
    path = write(tmp_path, "flip.csv", "table,text,town,marker\n"
                 "Table 1,More benches on the prom,,red\n"
                 "table 2,\"Ring Jo on 07700 900123, she runs the walks\",Heysham,blue\n"
                 ",Dogs off leads on the beach,,\n")  # fmt: skip
    summary = do_import_notes(event, "moving-more", path, actor="t")
    assert (summary.rows, summary.visible, summary.held) == (3, 2, 1)
    assert summary.held_lines == ["line 3: a phone number"]
    assert summary.warnings == [f"{path}: these columns are not imported: marker"]
    with event.reading() as s:
        notes = s.scalars(select(HarvestNote).order_by(HarvestNote.id)).all()
        assert [(n.status, n.town, n.source) for n in notes] == [
            (NoteStatus.VISIBLE, "Morecambe", NoteSource.IMPORT),
            (NoteStatus.PENDING, "Heysham", NoteSource.IMPORT),
            (NoteStatus.VISIBLE, "Morecambe", NoteSource.IMPORT),
        ]
        assert notes[2].table_id is None and notes[0].table_id != notes[1].table_id


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("table,text\nTable 1,Fine\nTable 9,Bad\n",
         "line 3, field 'table': 'Table 9' is not a table of 'moving-more'"),
        ("table,text\nTable 1,Fine\nTable 1,\n", "line 3, field 'text': this value is empty"),
        ("table,text\nTable 1," + "x" * 2001 + "\n", "line 2, field 'text': this value is 2001"),
        ("table,words\nTable 1,Fine\n", "line 1, field 'text': this column is missing"),
    ],
)  # fmt: skip
def test_notes_import_refusals_name_row_and_field_and_write_nothing(
    event: App, tmp_path: Path, body: str, message: str
) -> None:
    path = write(tmp_path, "flip.csv", body)
    with pytest.raises(InputFileError) as refused:
        do_import_notes(event, "moving-more", path, actor="t")
    assert message in str(refused.value)
    assert count(event, HarvestNote) == 0


def test_notes_import_needs_an_open_event(event: App, tmp_path: Path) -> None:
    path = write(tmp_path, "flip.csv", "text\nFine\n")
    with pytest.raises(NotFound):
        do_import_notes(event, "nope", path, actor="t")
    details = ListeningDetails(title="Moving more", question="What would help?")
    do_edit_listening(event, "moving-more", details, status="closed", actor="t")
    with pytest.raises(Conflict):
        do_import_notes(event, "moving-more", path, actor="t")


FFT = (
    "Response ID,Date,Site,Rating,What was good\n"
    "r1,03/06/2026,Lancaster,Very good,Kind staff and short wait\n"
    "r2,2026-06-04,Morecambe,Good,\n"
    'r3,2026-06-05T10:30,Morecambe,Poor,"Dr Patel was rude, my NHS number is 943 476 5919"\n'
)


def test_comments_import_gate_and_reimport(db_app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "fft.csv", FFT)
    options = {"source": "FFT", "text_column": "What was good", "id_column": "response id",
               "town_column": "Site", "date_column": "Date", "actor": "t"}  # fmt: skip
    summary = do_import_comments(db_app, path, **options)  # type: ignore[arg-type]
    assert (summary.rows, summary.visible, summary.held, summary.empty) == (3, 1, 1, 1)
    assert "rating" in summary.warnings[0]
    with db_app.reading() as s:
        columns = (Comment.external_id, Comment.town, Comment.received_on, Comment.status)
        rows = s.execute(select(*columns, Comment.source).order_by(Comment.id)).all()
    assert [(r[0], r[1], r[2].isoformat(), r[3], r[4]) for r in rows] == [
        ("r1", "Lancaster", "2026-06-03", NoteStatus.VISIBLE, "fft"),
        ("r3", "Morecambe", "2026-06-05", NoteStatus.PENDING, "fft"),
    ]
    again = do_import_comments(db_app, path, **options)  # type: ignore[arg-type]
    assert (again.already, again.visible, again.held) == (3 - 1, 0, 0)  # r2 had no text
    assert count(db_app, Comment) == 2
    held, waiting = held_comments(db_app, actor="org")
    assert waiting == 1 and "an NHS number" in held[0].reason
    assert comment_counts(db_app) == {"fft": {"pending": 1, "visible": 1, "rejected": 0}}
    released = do_review_comment(db_app, held[0].id, "release", actor="org")
    assert released.status == "visible"
    with pytest.raises(Conflict):
        do_review_comment(db_app, held[0].id, "reject", actor="org")


@pytest.mark.parametrize(
    ("body", "options", "message"),
    [
        ("id,text\nA,Good\nA,Bad\n", {"id_column": "id"},
         "line 3, field 'id': 'A' is also on line 2"),
        ("id,text,date\nA,Good,2026-13-01\n", {"date_column": "date"},
         "line 2, field 'date': '2026-13-01' is not a date"),
        ("id,comment\nA,Good\n", {}, "line 1, field 'text': this column is missing"),
        ("text,town\nGood," + "t" * 81 + "\n", {"town_column": "town"},
         "line 2, field 'town': this value is 81"),
    ],
)  # fmt: skip
def test_comments_import_refusals_write_nothing(
    db_app: App, tmp_path: Path, body: str, options: dict[str, str], message: str
) -> None:
    path = write(tmp_path, "c.csv", body)
    with pytest.raises(InputFileError) as refused:
        do_import_comments(db_app, path, source="fft", text_column="text", actor="t", **options)
    assert message in str(refused.value)
    assert count(db_app, Comment) == 0


def test_comments_source_label_is_checked(db_app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "text\nGood\n")
    with pytest.raises(InvalidInput, match="source"):
        do_import_comments(db_app, path, source="F F T", text_column="text", actor="t")
    with pytest.raises(InvalidInput, match="text column"):
        do_import_comments(db_app, path, source="fft", text_column=" ", actor="t")


def test_received_dates() -> None:
    assert parse_received("01/05/2026").isoformat() == "2026-05-01"
    assert parse_received("2026-05-01").isoformat() == "2026-05-01"
    assert parse_received("2026-05-01T23:00:00").isoformat() == "2026-05-01"
    with pytest.raises(ValueError):
        parse_received("31/02/2026")
