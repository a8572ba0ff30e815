"""A small relationship survey for the page tests: four people in Leeds, asked two questions."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from auth_helpers import csrf_from
from sqlalchemy import select

from groundswell.actions.imports import do_import_people
from groundswell.actions.relationship_surveys import (
    QuestionSpec,
    do_create_survey,
    do_issue_links,
)
from groundswell.app import App
from groundswell.store.models import Person, Tie

SLUG = "leeds-talk"
HEALTH = "Who do you talk to about your health?"
PEOPLE = [
    ("s01", "Amara Okafor", "Leeds"),
    ("s02", "Ben Carter", "Leeds"),
    ("s03", "Chloe Davies", "Leeds"),
    ("s04", "Dev Patel", "Leeds"),
    ("s05", "Erin Walsh", "Bradford"),
]


def leeds_survey(app: App, folder: Path) -> dict[str, str]:
    """The people and the survey (Erin, in Bradford, is not asked); person ref -> link token."""
    sheet = folder / "people.csv"
    sheet.write_text("id,display_name,town\n" + "".join(f"{r},{n},{t}\n" for r, n, t in PEOPLE))
    do_import_people(app, sheet)
    do_create_survey(
        app,
        slug=SLUG,
        title="Who do you talk to?",
        audience_town="Leeds",
        actor="test",
        questions=[
            QuestionSpec(HEALTH, "health_talk", 2),
            QuestionSpec("Who gives you energy?", "energy"),
        ],
    )
    return {link.person_ref: link.token for link in do_issue_links(app, SLUG, actor="test")}


def question_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="question-(\d+)"', html)]


async def consented(visitor: httpx.AsyncClient, token: str) -> str:
    """Say yes on the consent step; the questions page that follows."""
    page = await visitor.get(f"/s/{token}")
    agreed = await visitor.post(
        f"/s/{token}/consent", data={"consent": "yes", "csrf_token": csrf_from(page.text)}
    )
    assert agreed.status_code == 303 and agreed.headers["location"] == f"/s/{token}"
    return (await visitor.get(f"/s/{token}")).text


def ties(app: App, kind: str) -> set[tuple[str, str]]:
    """The ties of ``kind`` as (source ref, target ref)."""
    with app.reading() as s:
        rows = s.execute(select(Tie.source_id, Tie.target_id).where(Tie.kind == kind)).all()
        refs = {pid: ref for pid, ref in s.execute(select(Person.id, Person.ref))}
    return {(refs[a], refs[b]) for a, b in rows}
