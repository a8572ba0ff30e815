"""Conversation actions on SQLite and PostgreSQL: lifecycle, moderation, routing, Pol.is round trip.

The round trip uses a real Pol.is conversation from data/polis: data
gathered using the Polis software (compdemocracy.org/polis), sub-licensed under
CC BY 4.0 with attribution to The Computational Democracy Project
(data/polis/LICENSE-DATA.txt).
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from sqlalchemy import select

from groundswell.actions import conversations
from groundswell.actions.conversation_polis import do_import_polis, export_polis, to_export
from groundswell.actions.conversation_report import (
    analysis,
    next_for,
    report,
    report_csv,
    voting_card,
)
from groundswell.actions.conversations import (
    do_join,
    do_moderate,
    do_open_conversation,
    do_submit_statement,
    get_conversation,
    progress,
    statements,
)
from groundswell.actions.votes import do_vote
from groundswell.app import App
from groundswell.conversations import read_export
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models.conversations import Participant

SEEDS = ["Buses should be free", "Walking is for everyone", "Parks need lights", "More benches"]


@pytest.fixture
def conv(db_app: App):
    return do_open_conversation(
        db_app, topic="Getting about", question="How should we get about?", seeds=SEEDS
    )


def test_open_gives_seed_statements_and_a_unique_slug(db_app: App, conv):
    assert conv.slug == "getting-about" and conv.moderation == "post"
    again = do_open_conversation(db_app, topic="Getting about", question="Again?")
    assert again.slug == "getting-about-2"
    found = statements(db_app, conv.slug)
    assert [s.text for s in found] == SEEDS and all(s.is_seed for s in found)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"topic": "", "question": "Q?"}, "Enter a topic"),
        ({"topic": "T", "question": " "}, "Enter the question"),
        ({"topic": "T", "question": "Q?", "moderation": "later"}, "not 'pre' or 'post'"),
        ({"topic": "T", "question": "Q?", "seeds": ["x" * 281]}, "280 characters or fewer"),
    ],
)
def test_open_refuses_bad_input(db_app: App, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        do_open_conversation(db_app, **kwargs)


def test_join_gives_one_pid_per_participant_and_conversation(db_app: App, conv):
    other = do_open_conversation(db_app, topic="Other", question="Q?")
    a = do_join(db_app, conv.slug, "key-a")
    assert do_join(db_app, conv.slug, "key-a") == a
    assert do_join(db_app, conv.slug, "key-b") != a
    do_join(db_app, other.slug, "key-a")
    with db_app.reading() as s:  # the store keeps hashes, unlinkable across conversations
        hashes = s.execute(select(Participant.conversation_id, Participant.key_hash)).all()
    assert all(h is not None and "key-" not in h for _, h in hashes)
    assert len({h for _, h in hashes}) == len(hashes) == 3


def test_join_pids_are_sequential_and_distinct(db_app: App, conv):
    pids = [do_join(db_app, conv.slug, f"browser-{i}") for i in range(500)]
    assert pids == list(range(500))
    assert [do_join(db_app, conv.slug, f"browser-{i}") for i in (0, 499)] == [0, 499]


def test_pid_never_derives_from_the_key(db_app: App, conv):
    other = do_open_conversation(db_app, topic="Other", question="Q?")
    # The same keys joining in the opposite order get the pids in join order.
    assert [do_join(db_app, conv.slug, k) for k in ("x", "y")] == [0, 1]
    assert [do_join(db_app, other.slug, k) for k in ("y", "x")] == [0, 1]


def test_join_starts_above_imported_pids(db_app: App, conv):
    with db_app.transaction() as s:
        s.add(Participant(conversation_id=conv.id, pid=41))  # an imported Pol.is participant
    assert do_join(db_app, conv.slug, "new") == 42


def test_join_retries_when_another_join_takes_the_pid(db_app: App, conv, monkeypatch):
    real = conversations.next_pid
    calls: list[int] = []

    def racing(session, conversation_id):
        stale = real(session, conversation_id)
        calls.append(stale)
        if len(calls) == 1:  # another browser joins between choosing the pid and inserting it
            assert do_join(db_app, conv.slug, "rival") == stale
        return stale

    monkeypatch.setattr(conversations, "next_pid", racing)
    assert do_join(db_app, conv.slug, "me") == 1
    assert calls == [0, 0, 1]  # the first try lost the race and the retry took the next pid
    assert do_join(db_app, conv.slug, "rival") == 0


def test_latest_vote_wins(db_app: App, conv):
    for key, value in [("a", 1), ("b", 1), ("a", -1), ("a", "pass")]:
        do_vote(db_app, conv.slug, key, 0, value)
    result = analysis(db_app, conv.slug)
    assert result is not None
    dense = result.matrix.to_dense()
    assert sorted(dense[:, 0].tolist()) == [0.0, 1.0]
    assert report(db_app, conv.slug).statements[0]["pass"] == 1


def test_vote_refuses_bad_values_and_unknown_statements(db_app: App, conv):
    with pytest.raises(InvalidInput, match="not agree, disagree or pass"):
        do_vote(db_app, conv.slug, "a", 0, "maybe")
    with pytest.raises(NotFound, match="no statement 99"):
        do_vote(db_app, conv.slug, "a", 99, 1)
    with pytest.raises(NotFound, match="no conversation"):
        do_vote(db_app, "nowhere", "a", 0, 1)


def test_pre_moderation_hides_pending_statements_from_participants_and_math(db_app: App):
    c = do_open_conversation(db_app, topic="Pre", question="Q?", moderation="pre", seeds=SEEDS)
    new = do_submit_statement(db_app, c.slug, "author", "Cycle lanes on every main road")
    assert new.status == "pending" and new.tid == len(SEEDS)
    assert new.tid not in progress(db_app, c.slug, "voter").visible
    with pytest.raises(NotFound):
        do_vote(db_app, c.slug, "voter", new.tid, 1)
    for key in "abc":
        for tid in range(len(SEEDS)):
            do_vote(db_app, c.slug, key, tid, 1)
    assert new.tid not in analysis(db_app, c.slug).matrix.tids
    do_moderate(db_app, c.slug, new.tid, "accept")
    assert new.tid in progress(db_app, c.slug, "voter").visible
    do_vote(db_app, c.slug, "a", new.tid, -1)
    assert new.tid in analysis(db_app, c.slug).matrix.tids


def test_post_moderation_shows_at_once_and_removal_leaves_the_math(db_app: App, conv):
    new = do_submit_statement(db_app, conv.slug, "author", "Trams again, please")
    assert new.tid in progress(db_app, conv.slug, "voter").visible
    do_vote(db_app, conv.slug, "voter", new.tid, 1)
    do_vote(db_app, conv.slug, "voter", 0, 1)
    assert analysis(db_app, conv.slug).mod_out.sum() == 0
    do_moderate(db_app, conv.slug, new.tid, "reject")
    result = analysis(db_app, conv.slug)  # the cache key includes moderation
    assert new.tid in result.moderated_out
    assert new.tid not in progress(db_app, conv.slug, "other").visible


def test_submit_refuses_duplicates_and_bad_text(db_app: App, conv):
    with pytest.raises(Conflict, match="already in the conversation"):
        do_submit_statement(db_app, conv.slug, "a", "buses should be FREE")
    with pytest.raises(InvalidInput, match="Enter your statement"):
        do_submit_statement(db_app, conv.slug, "a", "  ")
    with pytest.raises(InvalidInput, match="accept or reject"):
        do_moderate(db_app, conv.slug, 0, "maybe")


def test_routing_never_repeats_and_ends(db_app: App, conv):
    for key in ("x", "y"):
        seen = []
        while (s := next_for(db_app, conv.slug, key, seed=len(seen))) is not None:
            assert s.tid not in seen
            seen.append(s.tid)
            do_vote(db_app, conv.slug, key, s.tid, 1 if key == "x" else -1)
        assert sorted(seen) == list(range(len(SEEDS)))
    assert next_for(db_app, conv.slug, "x") is None


def test_the_voting_card_is_progress_and_routing_in_one_read(db_app: App, conv):
    for key in ("x", "y", "z"):
        do_vote(db_app, conv.slug, key, 0, 1 if key == "x" else -1)
    do_vote(db_app, conv.slug, "x", 1, 1)
    for key, voted in (("x", 2), ("y", 1), ("new", 0)):
        card = voting_card(db_app, conv.slug, key, seed=5)
        assert card.conversation == get_conversation(db_app, conv.slug)
        assert card.statement == next_for(db_app, conv.slug, key, seed=5)
        assert card.statement.tid not in progress(db_app, conv.slug, key).voted
        assert (card.voted, card.total) == (voted, len(SEEDS))
    assert progress(db_app, conv.slug, "x").pid == 0
    assert progress(db_app, conv.slug, "new").pid is None


def test_report_has_groups_consensus_and_participation(db_app: App, conv):
    rng = np.random.default_rng(3)
    for p in range(24):  # two groups of 12: a group under 10 would not be shown apart
        for tid in range(len(SEEDS)):
            side = 1 if (p < 12) == (tid % 2 == 0) else -1
            do_vote(db_app, conv.slug, f"p{p}", tid, side if rng.random() > 0.1 else 0)
    r = report(db_app, conv.slug)
    assert r.n_participants == 24 and r.n_votes == 96
    ungrouped = sum(1 for p in r.points if p[2] == -1)
    assert sum(g["size"] for g in r.groups) + r.in_small_groups + ungrouped == 24
    assert len(r.points) == 24
    assert sum(n for _, n in r.per_day) == 96
    text = report_csv(r)
    assert text.splitlines()[0].startswith("tid,text,status,agree,disagree,pass,seen,agree_pct")
    assert len(text.splitlines()) == 1 + len(SEEDS)
    assert report(db_app, conv.slug).groups == r.groups  # from the cache


def test_polis_import_export_round_trip(db_app: App, real_data, tmp_path):
    folder = real_data / "polis" / "london.youth.policing"
    original = read_export(folder)
    started = time.perf_counter()
    conv = do_import_polis(db_app, folder)
    seconds = time.perf_counter() - started
    assert conv.slug == "london-youth-policing" and seconds < 20
    export_polis(db_app, conv.slug, tmp_path / "out")
    again = read_export(tmp_path / "out")
    assert again.pids == original.pids or sorted(
        zip(again.timestamps, again.pids, again.tids, again.votes.tolist(), strict=True)
    ) == sorted(
        zip(original.timestamps, original.pids, original.tids, original.votes.tolist(), strict=True)
    )
    a, b = original.matrix(), again.matrix()
    assert np.array_equal(
        np.nan_to_num(a.to_dense()[np.argsort(a.pids)][:, np.argsort(a.tids)], nan=9),
        np.nan_to_num(b.to_dense()[np.argsort(b.pids)][:, np.argsort(b.tids)], nan=9),
    )
    by_tid = {c.tid: c for c in again.comments}
    for c in original.comments:
        assert (by_tid[c.tid].text, by_tid[c.tid].moderated) == (c.text, c.moderated)
        assert by_tid[c.tid].author == c.author and by_tid[c.tid].timestamp == c.timestamp
    assert again.summary["topic"] == original.summary["topic"]
    assert sorted(again.moderated_out) == sorted(original.moderated_out)
    assert set(to_export(db_app, conv.slug).pids) == set(original.pids)


def test_finding_3_statement_with_personal_data_is_held_until_a_moderator_accepts(
    db_app: App, conv
):
    flagged = do_submit_statement(db_app, conv.slug, "author", "Call Sister Jones on 01524 583000")
    plain = do_submit_statement(db_app, conv.slug, "author", "Trams on the ring road")
    assert {f.kind for f in flagged.flags} == {"name", "phone"} and flagged.held
    assert plain.flags == () and not plain.held
    # post-moderation shows the plain statement at once; the flagged one waits
    visible = progress(db_app, conv.slug, "voter").visible
    assert plain.tid in visible and flagged.tid not in visible
    do_vote(db_app, conv.slug, "voter", 0, "agree")
    assert flagged.tid in analysis(db_app, conv.slug).moderated_out
    assert flagged.text not in report_csv(report(db_app, conv.slug))
    queued = {s.tid: s for s in statements(db_app, conv.slug, "pending")}
    assert queued[flagged.tid].held and [f.text for f in queued[flagged.tid].flags] == [
        "Jones", "01524 583000"
    ]  # fmt: skip
    do_moderate(db_app, conv.slug, flagged.tid, "accept")
    assert flagged.tid in progress(db_app, conv.slug, "voter").visible
    assert flagged.tid not in analysis(db_app, conv.slug).moderated_out


def test_finding_3_a_held_statement_takes_no_votes(db_app: App, conv):
    flagged = do_submit_statement(db_app, conv.slug, "author", "Ring Dr Patel on 07700 900456")
    with pytest.raises(NotFound, match=f"no statement {flagged.tid} to vote on"):
        do_vote(db_app, conv.slug, "voter", flagged.tid, "agree")
    do_moderate(db_app, conv.slug, flagged.tid, "accept")
    do_vote(db_app, conv.slug, "voter", flagged.tid, "agree")  # accepted: votes count
    assert analysis(db_app, conv.slug).matrix.n_votes == 1
