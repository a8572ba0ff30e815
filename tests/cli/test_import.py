"""``groundswell import``: every bad file is one clear line and leaves the database as it was."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from datacli import dump, point_cli_at, run_cli
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from groundswell.actions.export import export_document
from groundswell.actions.imports import (
    CHUNK,
    do_import_people,
    do_import_recruitment,
    do_import_ties,
)
from groundswell.app import App
from groundswell.errors import ExitStatus, InputFileError
from groundswell.settings import load_settings
from groundswell.store.models import Person, PersonKind, Recruitment, Tie

REPO = Path(__file__).resolve().parents[2]

PEOPLE = """id,display_name,town,kind,consent_contact,consent_analytics,joined_at
p1,Amina,Leeds,staff,yes,no,2024-01-05
p2,Ben,Leeds,citizen,true,false,2024-02-01T09:30:00+01:00
p3,,Bradford,,,,
p4,Dee,,partner,1,1,
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def seed(app: App, folder: Path) -> None:
    """Four people, one tie p1-p2 and p1 recruiting p2."""
    do_import_people(app, write(folder, "seed-people.csv", PEOPLE))
    do_import_ties(app, write(folder, "seed-ties.csv", "source,target\np1,p2\n"))
    do_import_recruitment(app, write(folder, "seed-rec.csv", "recruiter,recruit\np1,p2\n"))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One seeded database per backend for the error table (no case may change it)."""
    folder = tmp_path_factory.mktemp("seeded")
    url, schema = f"sqlite:///{folder / 'gs.db'}", None
    if request.param == "postgresql":
        # The shared conftest knows the per-worker PostgreSQL database. This fixture
        # outlives single tests, which reset the public schema, so it lives in a schema
        # of its own, named for this process.
        shared = request.config.pluginmanager.get_plugin(str(REPO / "tests" / "conftest.py"))
        base = shared.postgres_url()
        if not base:
            pytest.skip("PG_TEST_URL not set: no PostgreSQL server for this run")
        schema = f"import_errors_{os.getpid()}"
        _postgres_schema(
            base, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"'
        )
        url = (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    instance = App.build(load_settings({}, data_dir=folder, database_url=url))
    instance.upgrade()
    seed(instance, folder)
    yield instance
    instance.close()
    if schema:
        _postgres_schema(base, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _postgres_schema(url: str, sql: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in sql.split("; "):
            conn.execute(text(statement))
    engine.dispose()


@pytest.fixture
def cli(seeded: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    point_cli_at(monkeypatch, seeded, tmp_path)
    return lambda *argv: run_cli(capsys, *argv)


# (command, file content or None for "no such file", line, field, words in the message)
BAD_FILES = {
    "missing-file": ("people", None, None, None, "no such file"),
    "folder": ("people", "FOLDER", None, None, "folder"),
    "not-utf8": ("people", b"id,town\np9,Caf\xe9\n", 2, None, "UTF-8"),
    "empty": ("people", "", 1, None, "empty"),
    "blank-lines-only": ("people", "\n\n  \n", 1, None, "empty"),
    "no-id-column": ("people", "display_name,town\nAnn,Leeds\n", 1, "id", "missing"),
    "twice-in-header": ("people", "id,town,Town\np9,a,b\n", 1, "town", "twice"),
    "empty-id": ("people", "id,town\n,Leeds\n", 2, "id", "empty"),
    "duplicate-in-file": ("people", "id\np8\np9\np8\n", 4, "id", "lines 2 and 4"),
    "already-in-db": ("people", "id,town\np9,York\np1,York\n", 3, "id", "--update"),
    "kind-doctor": ("people", "id,kind\np8,staff\np9,doctor\n", 3, "kind", "citizen, staff"),
    "boolean-maybe": ("people", "id,consent_contact\np9,maybe\n", 2, "consent_contact", "yes"),
    "bad-date": ("people", "id,joined_at\np9,31/01/2024\n", 2, "joined_at", "YYYY-MM-DD"),
    "too-long": ("people", "id\n" + "x" * 65 + "\n", 2, "id", "at most 64"),
    "ragged-row": ("people", "id,town\np9,Leeds,UK\n", 2, None, "3 values"),
    "open-quote": ("people", 'id,town\np9,"Leeds\n', 2, None, "quotes"),
    "ties-no-target": ("ties", "source\np1\n", 1, "target", "missing"),
    "unknown-person": ("ties", "source,target\np3,p4\np1,p99\n", 3, "target", "'p99'"),
    "self-tie": ("ties", "source,target\np3,p3\n", 2, "target", "themself"),
    "weight-abc": ("ties", "source,target,weight\np3,p4,abc\n", 2, "weight", "not a number"),
    "weight-negative": ("ties", "source,target,weight\np3,p4,-1\n", 2, "weight", "positive"),
    "weight-zero": ("ties", "source,target,weight\np3,p4,0\n", 2, "weight", "positive"),
    "weight-nan": ("ties", "source,target,weight\np3,p4,nan\n", 2, "weight", "positive"),
    "tie-bad-date": ("ties", "source,target,observed_at\np3,p4,soon\n", 2, "observed_at", "date"),
    "tie-twice": ("ties", "source,target\np3,p4\np3,p4\n", 3, "target", "lines 2 and 3"),
    "tie-in-db": ("ties", "source,target\np1,p2\n", 2, "target", "already in the database"),
    "two-recruiters": (
        "recruitment", "recruiter,recruit\np1,p3\np4,p3\n", 3, "recruit", "two recruiters",
    ),
    "recruited-in-db": ("recruitment", "recruiter,recruit\np3,p2\n", 2, "recruit", "already"),
    "self-recruit": ("recruitment", "recruiter,recruit\np3,p3\n", 2, "recruiter", "themself"),
    "recruit-loop": ("recruitment", "recruiter,recruit\np2,p3\np3,p1\n", 3, "recruiter", "loop"),
    "unknown-recruiter": ("recruitment", "recruiter,recruit\nzz,p3\n", 2, "recruiter", "'zz'"),
    "recruit-bad-date": ("recruitment", "recruiter,recruit,at\np1,p3,2024-13-1\n", 2, "at", "date"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_one_line_and_changes_nothing(case, seeded, cli, tmp_path):
    command, content, line, field, words = BAD_FILES[case]
    path = tmp_path / f"{case}.csv"
    if content == "FOLDER":
        path.mkdir()
    elif content is not None:
        write(tmp_path, path.name, content)
    before = dump(seeded.engine)

    result = cli("import", command, str(path))

    assert result.code == ExitStatus.INPUT, result.err
    assert dump(seeded.engine) == before
    message = result.err.strip()
    assert "\n" not in message and message.startswith("groundswell: error: "), message
    assert str(path) in message
    assert words in message
    if line is not None:
        assert f"line {line}" in message
    if field is not None:
        assert f"field '{field}'" in message
    assert result.out == ""


def test_people_import_reads_every_column(db_app, tmp_path):
    path = write(tmp_path, "people.csv", PEOPLE)
    summary = do_import_people(db_app, path)
    assert (summary.rows, summary.created, summary.updated, summary.warnings) == (4, 4, 0, [])
    with db_app.reading() as session:
        people = {p.ref: p for p in session.scalars(select(Person))}
    p1, p2, p3, p4 = (people[r] for r in ("p1", "p2", "p3", "p4"))
    assert (p1.display_name, p1.town, p1.kind) == ("Amina", "Leeds", PersonKind.STAFF)
    assert p1.joined_at == datetime(2024, 1, 5, tzinfo=UTC)
    assert p2.joined_at == datetime(2024, 2, 1, 8, 30, tzinfo=UTC)  # +01:00 read as UTC
    assert (p1.consent_contact, p1.consent_analytics, p4.consent_analytics) == (True, False, True)
    assert p1.consent_contact_at is not None and p1.consent_contact_at.tzinfo is UTC
    assert (p3.display_name, p3.kind, p3.consent_contact, p3.joined_at) == (
        None,
        PersonKind.CITIZEN,
        False,
        None,
    )


def test_excel_style_file_bom_crlf_case_and_blank_rows(app, tmp_path):
    content = "\ufeffID , Town\r\np1, Leeds \r\n,\r\n\r\np2,York\r\n".encode()
    summary = do_import_people(app, write(tmp_path, "excel.csv", content))
    assert summary.created == 2
    with app.reading() as session:
        assert session.scalar(select(Person.town).where(Person.ref == "p1")) == "Leeds"


def test_extra_columns_are_named_in_a_warning(app, tmp_path, monkeypatch, capsys):
    point_cli_at(monkeypatch, app, tmp_path)
    path = write(tmp_path, "people.csv", "id,email,town,,phone\np1,a@b.org,Leeds,,0113\n")
    result = run_cli(capsys, "import", "people", str(path), "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["created"] == 1
    (warning,) = summary["warnings"]
    assert "email" in warning and "phone" in warning and "unnamed column 4" in warning
    assert "warning" in result.err and "email, " in result.err


def test_header_only_file_imports_nothing_with_a_warning(app, tmp_path):
    summary = do_import_people(app, write(tmp_path, "people.csv", "id,town\n"))
    assert summary.created == 0
    assert any("no rows" in w for w in summary.warnings)


def test_update_changes_only_the_columns_in_the_file(db_app, tmp_path):
    seed(db_app, tmp_path)
    with db_app.reading() as session:
        before = session.scalar(select(Person).where(Person.ref == "p1"))
    path = write(tmp_path, "update.csv", "id,town,consent_contact\np1,York,no\np5,Hull,yes\n")
    summary = do_import_people(db_app, path, update=True)
    assert (summary.created, summary.updated) == (1, 1)
    with db_app.reading() as session:
        after = session.scalar(select(Person).where(Person.ref == "p1"))
    assert (after.town, after.display_name, after.kind) == ("York", "Amina", PersonKind.STAFF)
    assert after.consent_contact is False
    assert after.consent_contact_at > before.consent_contact_at  # withdrawal is dated
    assert after.consent_analytics_at == before.consent_analytics_at


def test_update_ties_and_recruitment(db_app, tmp_path):
    seed(db_app, tmp_path)
    ties = write(tmp_path, "t.csv", "source,target,weight\np1,p2,2.5\np3,p4,1\n")
    assert do_import_ties(db_app, ties, update=True).updated == 1
    rec = write(tmp_path, "r.csv", "recruiter,recruit,at\np4,p2,2024-03-01\n")
    assert do_import_recruitment(db_app, rec, update=True).updated == 1
    with db_app.reading() as session:
        weights = sorted(session.scalars(select(Tie.weight)))
        recruitment = session.execute(select(Recruitment.recruiter_id, Recruitment.at)).one()
        p4 = session.scalar(select(Person.id).where(Person.ref == "p4"))
    assert weights == [1.0, 2.5]
    assert recruitment == (p4, datetime(2024, 3, 1, tzinfo=UTC))


def test_ties_defaults_and_many_chunks_with_progress(app, tmp_path):
    n = 160  # 160 * 159 / 2 = 12,720 ties: more than two INSERT batches
    people = "id\n" + "".join(f"p{i}\n" for i in range(n))
    do_import_people(app, write(tmp_path, "p.csv", people))
    rows = [f"p{i},p{j}\n" for i in range(n) for j in range(i + 1, n)]
    calls: list[tuple[int, int]] = []
    path = write(tmp_path, "t.csv", "source,target\n" + "".join(rows))
    summary = do_import_ties(app, path, progress=lambda done, total: calls.append((done, total)))
    assert summary.created == len(rows) > 2 * CHUNK
    assert calls[-1] == (len(rows), len(rows)) and len(calls) == -(-len(rows) // CHUNK)
    with app.reading() as session:
        assert set(session.execute(select(Tie.kind, Tie.weight, Tie.origin))) == {
            ("knows", 1.0, "import")
        }


def test_export_then_import_round_trips(db_app, tmp_path, monkeypatch, capsys):
    seed(db_app, tmp_path)
    extra = "source,target,kind,weight,observed_at\np3,p4,advice,0.1,2024-05-06T07:08:09Z\n"
    do_import_ties(db_app, write(tmp_path, "more.csv", extra))
    point_cli_at(monkeypatch, db_app, tmp_path)
    out = tmp_path / "export"
    assert run_cli(capsys, "export", "--out", str(out)).code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "attendance.csv",
        "events.csv",
        "memberships.csv",
        "people.csv",
        "pledges.csv",
        "recruitment.csv",
        "rsvps.csv",
        "ties.csv",
    ]

    fresh = App.build(load_settings({}, database_url=f"sqlite:///{tmp_path / 'fresh.db'}"))
    fresh.upgrade()
    point_cli_at(monkeypatch, fresh, tmp_path)
    for table in ("people", "ties", "recruitment"):
        result = run_cli(capsys, "import", table, str(out / f"{table}.csv"))
        assert result.code == 0 and result.err == "", result.err
    original, copy = export_document(db_app), export_document(fresh)
    fresh.close()
    for name in ("people", "ties", "recruitment"):
        assert copy[name] == original[name]
    assert original["ties"][-1]["weight"] == 0.1

    again = run_cli(capsys, "export", "--out", str(out))
    assert again.code == ExitStatus.CONFLICT and "--force" in again.err


def test_json_export_on_stdout(app, tmp_path, monkeypatch, capsys):
    seed(app, tmp_path)
    point_cli_at(monkeypatch, app, tmp_path)
    result = run_cli(capsys, "export", "--format", "json")
    assert result.code == 0
    document = json.loads(result.out)
    assert [p["id"] for p in document["people"]] == ["p1", "p2", "p3", "p4"]
    assert document["ties"] == [
        {
            "source": "p1",
            "target": "p2",
            "kind": "knows",
            "weight": 1.0,
            "observed_at": None,
            "origin": "import",
        }
    ]
    assert document["recruitment"] == [{"recruiter": "p1", "recruit": "p2", "at": None}]


def test_input_error_carries_its_parts(app, tmp_path):
    with pytest.raises(InputFileError) as info:
        do_import_ties(app, write(tmp_path, "t.csv", "source,target\np1,p2\n"))
    assert (info.value.line, info.value.field) == (2, "source")


def test_console_script_shows_no_traceback(app, tmp_path):
    seed(app, tmp_path)
    bad = write(tmp_path, "ties.csv", "source,target,weight\np3,p4,heavy\n")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GROUNDSWELL_")}
    env["GROUNDSWELL_DATABASE_URL"] = app.engine.url.render_as_string(hide_password=False)
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "groundswell"), "import", "ties", str(bad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == ExitStatus.INPUT
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"groundswell: error: {bad}, line 2, field 'weight': 'heavy' is not a number; "
        "write a positive number such as 1 or 0.5"
    ]
