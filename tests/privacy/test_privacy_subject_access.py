"""Subject access holds what a signed-in person did and their story's trail, never a password
hash; erasure unlinks their signed-in votes too."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from datacli import point_cli_at, run_cli
from movement import SUBJECT, build_movement
from sqlalchemy import select

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.actions.conversations import do_open_conversation, do_submit_statement, key_hash
from groundswell.actions.erasure import do_erase
from groundswell.actions.privacy_export import subject_access_document
from groundswell.actions.votes import do_vote
from groundswell.app import App
from groundswell.auth.tokens import account_participant_key
from groundswell.store.models import Conversation, Participant, Story, StoryEvent, User
from groundswell.web import create_app

sys.path.append(str(Path(__file__).resolve().parents[1] / "web"))
from auth_helpers import USERS, add_users, client_for, csrf_from, fast_hashing  # noqa: F401

SECRET = b"the server's signing key, for tests"
SIGNED_IN_STATEMENT = "Late buses home from the Tuesday clinic"
SEEDS = ["Buses should be free", "Walking is for everyone"]


def sign_in_and_take_part(app: App) -> str:
    """The subject's account votes and writes a statement signed in; returns its key."""
    do_create_user(app, email="zelda@example.org", display_name="Z", password="three random words")
    do_link_person(app, email="zelda@example.org", person=SUBJECT)
    with app.reading() as s:
        uid = s.scalar(select(User.id).where(User.email == "zelda@example.org"))
        story = s.scalar(select(Story.id))
    assert uid is not None and story is not None
    key = account_participant_key(SECRET, uid)
    do_vote(app, "care", key, 1, "agree")
    do_submit_statement(app, "care", key, SIGNED_IN_STATEMENT)
    with app.transaction() as s:
        s.add(StoryEvent(story_id=story, actor_role="storyteller", actor="Z", action="share",
                         status="pending", consent="internal"))  # fmt: skip
    return key


def test_low_subject_access_holds_signed_in_votes_statements_and_the_story_trail(
    any_db: App,
) -> None:
    build_movement(any_db)
    sign_in_and_take_part(any_db)
    tables = subject_access_document(any_db, SUBJECT, actor="dpo", secret=SECRET)["tables"]
    assert len(tables["participants"]) == 2  # the linked one and the signed-in one
    assert len(tables["votes"]) == 3  # two as the linked participant, one signed in
    texts = [row["text"] for row in tables["statements"]]
    assert SIGNED_IN_STATEMENT in texts
    assert [row["action"] for row in tables["story_events"]] == ["share"]
    assert tables["users"][0]["email"] == "zelda@example.org"
    assert "password_hash" not in tables["users"][0]
    assert "argon2" not in json.dumps(tables, default=str)
    # Without the server's key the signed-in part cannot be found, and nothing else breaks.
    plain = subject_access_document(any_db, SUBJECT, actor="dpo")["tables"]
    assert len(plain["participants"]) == 1 and len(plain["votes"]) == 2


def test_low_erasure_unlinks_the_signed_in_participant_too(any_db: App) -> None:
    build_movement(any_db)
    key = sign_in_and_take_part(any_db)
    summary = do_erase(any_db, SUBJECT, actor="dpo", secret=SECRET)
    assert summary.anonymised["participants"] == 2
    with any_db.reading() as s:
        cid = s.scalar(select(Participant.conversation_id))
        assert cid is not None
        found = s.scalar(select(Participant.id).where(Participant.key_hash == key_hash(cid, key)))
    assert found is None  # their account's key no longer leads to the votes


def test_low_cli_subject_access_finds_signed_in_votes_with_the_server_key(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_movement(app)
    point_cli_at(monkeypatch, app, tmp_path)
    monkeypatch.setenv("GROUNDSWELL_SECRET_KEY", SECRET.decode())
    sign_in_and_take_part(app)
    out = tmp_path / "sar"
    result = run_cli(capsys, "privacy", "export", SUBJECT, "--out", str(out), "--json")
    assert result.code == 0, result.err
    document = json.loads((out / "subject-access.json").read_text(encoding="utf-8"))
    assert SIGNED_IN_STATEMENT in json.dumps(document["tables"]["statements"])
    assert "password_hash" not in document["tables"]["users"][0]


@pytest.mark.anyio
async def test_low_a_vote_cast_signed_in_on_the_web_is_in_the_subject_access_export(
    app: App,
) -> None:
    """End to end: the key the web app votes under is the one subject access derives."""
    build_movement(app)
    add_users(app)
    email = USERS["participant"][0]
    do_link_person(app, email=email, person=SUBJECT)
    do_open_conversation(app, topic="Getting about", question="How?", seeds=SEEDS, slug="about")
    web = create_app(app)
    async for member in client_for(web, "participant"):
        token = csrf_from((await member.get("/conversations/about")).text)
        form = {"tid": "1", "vote": "disagree", "csrf_token": token}
        assert (await member.post("/conversations/about/vote", data=form)).status_code == 303
    secret: bytes = web.state.secret_key
    tables = subject_access_document(app, SUBJECT, actor="dpo", secret=secret)["tables"]
    assert [v["value"] for v in tables["votes"]][-1] == -1 and len(tables["votes"]) == 3
    do_erase(app, SUBJECT, actor="dpo", secret=secret)
    with app.reading() as s:
        assert (
            s.scalar(
                select(Participant.id)
                .where(Participant.key_hash.is_not(None))
                .where(Participant.conversation_id == Conversation.id, Conversation.slug == "about")
            )
            is None
        )
