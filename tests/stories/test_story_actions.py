"""Story bank actions on SQLite and PostgreSQL: share, flags, moderation, packs, withdrawal."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from groundswell.actions.erasure import do_erase
from groundswell.actions.stories import (
    change_share,
    do_add_safeguarding_contact,
    do_edit_story,
    do_mark_change,
    do_moderate,
    do_resolve_flag,
    do_respond,
    do_set_consent,
    do_set_criticality,
    do_share_story,
    do_withdraw,
)
from groundswell.actions.story_packs import (
    build_pack,
    do_add_to_pack,
    do_create_pack,
    export_pack,
)
from groundswell.errors import Conflict, InvalidInput, PermissionDenied
from groundswell.store.models import Person, Story, StoryEvent, StoryFlag, StoryTag
from groundswell.stories.packs import RemovedSlot
from groundswell.stories.workflow import Actor, Kind, Status

BODY = (
    "When I had my baby the night staff were wonderful. "
    "Dr Patel was rude and would not listen when I said the pain was getting worse. "
    "Please call me on 07700 900123."
)


def flags_of(app, story_id):
    with app.reading() as s:
        return s.scalars(select(StoryFlag).where(StoryFlag.story_id == story_id)).all()


def approved_story(app, consent="training", body="The midwives listened to us all night."):
    shared = do_share_story(
        app, title="Listening", body=body, consent=consent, service="maternity", tags=["care"]
    )
    for flag in flags_of(app, shared.story_id):
        if flag.status.value == "open":
            do_resolve_flag(app, flag.id, "invented for the test", actor="mod")
    do_moderate(app, shared.story_id, Kind.APPROVE, actor="mod")
    return shared


def test_share_flags_then_resolve_and_approve(db_app):
    shared = do_share_story(
        db_app, title="Night", body=BODY, consent="training", service="maternity"
    )
    kinds = {f["kind"] for f in shared.flags}
    assert {"name", "staff_named", "phone"} <= kinds
    with pytest.raises(Conflict, match="flag"):
        do_moderate(db_app, shared.story_id, Kind.APPROVE, actor="mod")
    # Edit out the phone number: its flag becomes 'edited', the others stay open.
    do_edit_story(db_app, shared.story_id, BODY.replace(" Please call me on 07700 900123.", ""),
                  role=Actor.MODERATOR, actor="mod")  # fmt: skip
    open_flags = [f for f in flags_of(db_app, shared.story_id) if f.status.value == "open"]
    assert {f.kind for f in open_flags} == {"name", "staff_named"}
    with pytest.raises(InvalidInput, match="reason"):
        do_resolve_flag(db_app, open_flags[0].id, "  ", actor="mod")
    for f in open_flags:
        do_resolve_flag(db_app, f.id, "the storyteller asked to name them", actor="mod")
    state = do_moderate(db_app, shared.story_id, Kind.APPROVE, actor="mod")
    assert state.status is Status.APPROVED
    with pytest.raises(Conflict, match="not 'publish'"):
        do_moderate(db_app, shared.story_id, Kind.PUBLISH, actor="mod")
    with db_app.reading() as s:
        trail = s.scalars(
            select(StoryEvent.action).where(StoryEvent.story_id == shared.story_id)
        ).all()
    assert trail[0] == "edit" and trail[-1] == "approve" and trail.count("resolve_flag") == 2


def test_private_story_never_reaches_a_pack(db_app):
    shared = do_share_story(db_app, title="Mine", body="A quiet stay.", consent="private")
    with pytest.raises(Conflict, match="private"):
        do_moderate(db_app, shared.story_id, Kind.APPROVE, actor="mod")
    pack = do_create_pack(db_app, "Induction", actor="cur")
    with pytest.raises(Conflict, match="training use"):
        do_add_to_pack(db_app, pack, shared.story_id, actor="cur")


def test_pack_export_and_withdrawal_cascade(db_app):
    a = approved_story(db_app, body="The midwives listened to us all night long.")
    b = approved_story(db_app, consent="publish", body="The discharge letter came two weeks late.")
    pack = do_create_pack(db_app, "Listening well", actor="cur", learning_points="Listen\nExplain")
    do_add_to_pack(db_app, pack, a.story_id, actor="cur", learning_point="Stay with people")
    do_add_to_pack(db_app, pack, b.story_id, actor="cur")
    md = export_pack(db_app, pack, "md").decode()
    assert "listened to us all night" in md and "Consent trail" in md
    pdf = PdfReader(io.BytesIO(export_pack(db_app, pack, "pdf")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "listened to us all night" in text
    with pytest.raises(PermissionDenied):
        do_withdraw(db_app, a.story_id, key="wrong")
    do_withdraw(db_app, a.story_id, key=a.withdraw_key)
    pack_now = build_pack(db_app, pack)
    assert isinstance(pack_now.slots[0], RemovedSlot)
    assert "withdrawn" in pack_now.slots[0].reason
    for fmt in ("md", "html"):
        out = export_pack(db_app, pack, fmt).decode()
        assert "listened to us all night" not in out and "Story removed" in out
        assert "discharge letter" in out
    pdf = PdfReader(io.BytesIO(export_pack(db_app, pack, "pdf")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "listened to us all night" not in text and "removed" in text
    # Consent dropped to private: out of the pack too.
    do_set_consent(db_app, b.story_id, "private", key=b.withdraw_key)
    assert all(isinstance(s, RemovedSlot) for s in build_pack(db_app, pack).slots)


def test_criticality_routes_safeguarding_and_change_share(db_app):
    s = approved_story(db_app)
    with pytest.raises(InvalidInput, match="safeguarding contact"):
        do_set_criticality(db_app, s.story_id, "safeguarding", actor="mod")
    do_add_safeguarding_contact(db_app, "Jo Lead", "jo@example.org")
    do_add_safeguarding_contact(db_app, "Sam Midwife", "sam@example.org", service="maternity")
    routed = do_set_criticality(db_app, s.story_id, "safeguarding", actor="mod")
    assert routed == "Sam Midwife <sam@example.org>"
    t = approved_story(db_app)
    do_set_criticality(db_app, t.story_id, "concern", actor="mod")
    do_mark_change(db_app, s.story_id, "made", actor="lead", note="new pain policy")
    assert change_share(db_app) == {"concerns": 2, "planned": 0, "made": 1, "share": 0.5}
    assert do_respond(db_app, s.story_id, "Ward manager", "Thank you; we changed the rota.")


def test_erasing_the_storyteller_leaves_an_empty_slot(app):
    with app.transaction() as s:
        s.add(Person(ref="p1", display_name="Teller"))
    with app.reading() as s:
        pid = s.scalar(select(Person.id).where(Person.ref == "p1"))
    shared = do_share_story(app, title="T", body="Kind staff on the ward.", consent="training",
                            person_id=pid)  # fmt: skip
    do_moderate(app, shared.story_id, Kind.APPROVE, actor="mod")
    pack = do_create_pack(app, "P", actor="cur")
    do_add_to_pack(app, pack, shared.story_id, actor="cur")
    do_erase(app, "p1", actor="admin")
    with app.reading() as s:
        assert s.get(Story, shared.story_id) is None
    assert isinstance(build_pack(app, pack).slots[0], RemovedSlot)


def test_finding_9_a_story_takes_at_most_20_tags_of_60_characters(db_app):
    with pytest.raises(InvalidInput, match="tags: 21 impact areas given; choose at most 20"):
        do_share_story(db_app, title="T", body="B", consent="private",
                       tags=[f"t{i}" for i in range(21)])  # fmt: skip
    with pytest.raises(InvalidInput, match="keep each under 60"):
        do_share_story(db_app, title="T", body="B", consent="private", tags=["x" * 61])
    shared = do_share_story(db_app, title="T", body="B", consent="private",
                            tags=[f"T{i} " for i in range(20)] + ["t0"])  # fmt: skip
    with db_app.reading() as s:
        assert len(s.scalars(select(StoryTag.tag).where(StoryTag.story_id == shared.story_id))
                   .all()) == 20  # fmt: skip
