"""Wellbeing surveys: record one person's answers, import a CSV of them, report outcomes.

Answers are stored only with the person's consent (the time is kept) and
scores are computed from them by :mod:`groundswell.measures` whenever they
are read, so a corrected conversion table rescoring everything needs no
migration. Imports are all or nothing, with the file, line and field of the
first problem, like ``groundswell import people``.

Survey CSV columns: ``person`` (id of a person already imported),
``instrument`` (swemwbs or ons4), ``date`` (YYYY-MM-DD), ``consent`` (must be
yes), ``mode`` (online, paper, phone, in_person; default online) and
``item1`` ... ``item7`` (SWEMWBS uses all seven, 1-5; ONS4 uses item1-item4,
0-10, in the order life satisfaction, worthwhile, happy, anxious).
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell import csvsafe
from groundswell.actions import Database
from groundswell.actions import csvfiles as cf

# What every CSV import shares: person lookup, repeated-row check, writing, summary.
from groundswell.actions.import_rows import (
    ImportSummary,
    Progress,
    check_once,
    finish_summary,
    new_summary,
    person_id_of,
    person_ids_by_ref,
    write_rows,
)
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.measures import instruments as ins
from groundswell.measures import outcomes, suppression
from groundswell.store.models import (
    ActivityLog,
    Campaign,
    CampaignMember,
    CollectionMode,
    Instrument,
    Person,
    SurveyResponse,
    utcnow,
)

ITEMS = tuple(f"item{i}" for i in range(1, ins.SWEMWBS_ITEMS + 1))
SURVEY_REQUIRED = ("person", "instrument", "date", "consent")
SURVEY_OPTIONAL = ("mode", *ITEMS)
MODES = [m.value for m in CollectionMode]
NO_CONSENT = "answers are stored only with the person's consent"


@dataclass(frozen=True)
class RecordedSurvey:
    person: str
    instrument: str
    answered_on: date
    mode: str
    score: dict[str, Any]
    created: bool


def parse_day(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date, or ``InvalidInput`` showing the format."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} '{text}' is not a date; write YYYY-MM-DD") from None


def _not_future(day: date) -> bool:
    # A day of slack: a survey answered this morning in New Zealand is still today.
    return day <= date.today() + timedelta(days=1)


def do_record_survey(
    app: Database,
    *,
    person: str,
    instrument: str,
    answered_on: date,
    answers: Sequence[object],
    consent: bool,
    mode: str = "online",
    update: bool = False,
) -> RecordedSurvey:
    """Store one person's answers to one instrument on one date (the web form's action)."""
    if not consent:
        raise InvalidInput(f"{NO_CONSENT}; ask for consent, or do not record these answers")
    if mode not in MODES:
        raise InvalidInput(f"mode '{mode}' is not one of {', '.join(MODES)}")
    values = ins.check_answers(instrument, answers)
    if not _not_future(answered_on):
        raise InvalidInput(f"the date {answered_on} is in the future; give the day it was answered")
    with app.transaction() as session:
        pid = session.scalar(select(Person.id).where(Person.ref == person))
        if pid is None:
            raise NotFound(f"'{person}' is not a person in the database; check the id")
        created = store_answers(session, pid, person, instrument, answered_on, values, mode,
                                update=update)  # fmt: skip
    scored = ins.score(instrument, values).to_dict()
    return RecordedSurvey(person, instrument, answered_on, mode, scored, created)


def store_answers(
    session: Session,
    pid: int,
    person: str,
    instrument: str,
    answered_on: date,
    values: list[int],
    mode: str,
    *,
    update: bool,
) -> bool:
    """Write checked answers, consented now, in the caller's transaction; True if new."""
    existing = session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.person_id == pid,
            SurveyResponse.instrument == Instrument(instrument),
            SurveyResponse.answered_on == answered_on,
        )
    )
    if existing is not None and not update:
        raise Conflict(
            f"'{person}' already has {instrument} answers for {answered_on}; "
            "use update to replace them"
        )
    row = existing or SurveyResponse(
        person_id=pid, instrument=Instrument(instrument), answered_on=answered_on
    )
    row.answers, row.mode, row.consent_at = values, CollectionMode(mode), utcnow()
    session.add(row)
    return existing is None


def do_import_surveys(
    app: Database, path: str | Path, *, update: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import survey answers from CSV, all or nothing (columns in the module docstring)."""
    started = time.perf_counter()
    table = cf.read_csv(path, required=SURVEY_REQUIRED, optional=SURVEY_OPTIONAL)
    summary = new_summary(table, "survey")
    now = utcnow()
    with app.transaction() as session:
        ids = person_ids_by_ref(session)
        stored = {
            (p, i.value, d): sid
            for sid, p, i, d in session.execute(
                select(
                    SurveyResponse.id,
                    SurveyResponse.person_id,
                    SurveyResponse.instrument,
                    SurveyResponse.answered_on,
                )
            )
        }
        created: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        lines: dict[tuple[int, str, date], int] = {}
        for line, row in table:
            pid = person_id_of(table, line, row, "person", ids)
            instrument = cf.choice(table, line, row, "instrument", ins.INSTRUMENTS, "")
            if not instrument:
                raise table.error(
                    line, "instrument", "this value is empty", "write swemwbs or ons4"
                )
            day = _csv_day(table, line, row, "date")
            if not cf.boolean(table, line, row, "consent"):
                raise table.error(
                    line, "consent", NO_CONSENT,
                    "write yes where consent was given, else remove the row",
                )  # fmt: skip
            key = (pid, instrument, day)
            what = f"{instrument} answers of '{row['person']}' on {day}"
            check_once(table, lines, key, line, "date", f"{what} appear twice", "keep one row")
            item = {
                "person_id": pid,
                "instrument": instrument,
                "answered_on": day,
                "mode": cf.choice(table, line, row, "mode", MODES, "online"),
                "answers": _items(table, line, row, instrument),
                "consent_at": now,
            }
            if key not in stored:
                created.append({**item, "created_at": now})
                continue
            if not update:
                raise table.error(
                    line, "date", f"{what} are already in the database",
                    "use --update to replace them, or remove this row",
                )  # fmt: skip
            changed.append({"id": stored[key], **item})
        write_rows(session, SurveyResponse, created, changed, progress)
    return finish_summary(summary, len(table), created, changed, started)


def _csv_day(table: cf.CsvTable, line: int, row: dict[str, str], column: str) -> date:
    text = cf.required_text(table, line, row, column, 10)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise table.error(line, column, f"'{text}' is not a date", "write YYYY-MM-DD") from None
    if not _not_future(day):
        raise table.error(line, column, f"{day} is in the future", "give the day it was answered")
    return day


def _items(table: cf.CsvTable, line: int, row: dict[str, str], instrument: str) -> list[int]:
    count = ins.SWEMWBS_ITEMS if instrument == ins.SWEMWBS else len(ins.ONS4_QUESTIONS)
    low, high = ins.SWEMWBS_RANGE if instrument == ins.SWEMWBS else ins.ONS4_RANGE
    values = []
    for column in ITEMS[:count]:
        text = row.get(column, "")
        if not text.isdigit() or not low <= int(text) <= high:
            problem = "this value is empty" if not text else f"'{text}' is not valid"
            raise table.error(
                line, column, f"{problem} for {instrument}",
                f"each answer is a whole number from {low} to {high}",
            )  # fmt: skip
        values.append(int(text))
    for column in ITEMS[count:]:
        if row.get(column, ""):
            raise table.error(
                line, column, f"{instrument} has {count} items, but this row has an answer here",
                f"leave {column} empty for {instrument}",
            )  # fmt: skip
    return values


# --- reports ---


def outcome_report(
    app: Database,
    *,
    instrument: str,
    measure: str | None = None,
    campaign: str | None = None,
    seed: int = 0,
    n_boot: int = outcomes.N_BOOT,
) -> outcomes.OutcomeReport:
    """Change in one measure, everyone / took part / did not / by town, small numbers hidden.

    Taking part means logging activity in, or joining, ``campaign`` (any
    campaign when none is named).
    """
    if instrument not in ins.INSTRUMENTS:
        raise InvalidInput(f"unknown instrument '{instrument}'; use one of swemwbs, ons4")
    measure = measure or ins.MEASURES[instrument][0]
    ins.measure_value(instrument, measure, _example(instrument))  # checks the measure name
    with app.reading() as session:
        took_part = _participants(session, campaign)
        rows = session.execute(
            select(SurveyResponse.person_id, SurveyResponse.answered_on, SurveyResponse.answers)
            .where(SurveyResponse.instrument == Instrument(instrument))
            .order_by(SurveyResponse.id)
        ).all()
        towns = dict(session.execute(select(Person.id, Person.town)).all())
    return outcomes.outcome_report(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [ins.measure_value(instrument, measure, r[2]) for r in rows],
        instrument=instrument,
        measure=measure,
        took_part=took_part,
        towns=towns,
        seed=seed,
        n_boot=n_boot,
    )


def _example(instrument: str) -> list[int]:
    return [3] * ins.SWEMWBS_ITEMS if instrument == ins.SWEMWBS else [5] * 4


def _participants(session: Session, slug: str | None) -> set[int]:
    logs, members = select(ActivityLog.person_id), select(CampaignMember.person_id)
    if slug is not None:
        cid = session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        if cid is None:
            raise NotFound(f"there is no campaign '{slug}'; see 'groundswell campaigns list'")
        logs = logs.where(ActivityLog.campaign_id == cid)
        members = members.where(CampaignMember.campaign_id == cid)
    return set(session.scalars(logs.distinct())) | set(session.scalars(members.distinct()))


REPORT_HEADER = ("group", *outcomes.CHANGE_COLUMNS)


def outcome_rows(report: outcomes.OutcomeReport) -> list[list[str]]:
    """The report as text cells: suppressed cells read ``suppressed (<10)`` and the like."""
    rows = [list(REPORT_HEADER)]
    for row in report.rows:
        rows.append([row.group, *(suppression.show(getattr(row, c)) for c in REPORT_HEADER[1:])])
    comparison = report.comparison
    rows.append(
        ["took part minus did not: change", *[""] * 4, suppression.show(comparison["difference"]),
         suppression.show(comparison["t_ci"]), suppression.show(comparison["bootstrap_ci"])]
    )  # fmt: skip
    return rows


def outcome_csv(report: outcomes.OutcomeReport) -> str:
    """The report as a CSV download, with the caveat and thresholds as trailing notes."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerows(outcome_rows(report))
    writer.writerow([f"# {report.instrument} {report.measure}; {report.caveat}"])
    writer.writerow(
        [f"# cells under {suppression.MIN_CELL} people are suppressed; change needs "
         f"{suppression.MIN_PAIRED} people with two time points"]
    )  # fmt: skip
    return out.getvalue()
