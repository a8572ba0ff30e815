"""Votes under load: batches in one transaction, the server's group commit and the short path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from auth_helpers import add_users, client_for, csrf_from
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from groundswell.actions import conversations
from groundswell.actions import votes as vote_actions
from groundswell.actions.conversations import do_open_conversation, do_submit_statement
from groundswell.actions.votes import Ballot, do_vote, do_votes
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import utcnow
from groundswell.store.models.conversations import Conversation, Participant, Statement, Vote
from groundswell.web import create_app
from groundswell.web.security import HEADERS
from groundswell.web.votes import VoteQueue

SEEDS = ["Buses should be free", "Walking is for everyone", "Parks need lights"]


def stored(db: App) -> list[tuple[str, int, int, int]]:
    """(slug, pid, tid, value) of every stored vote, in order."""
    with db.reading() as session:
        rows = session.execute(
            select(Conversation.slug, Participant.pid, Statement.tid, Vote.value)
            .join(Participant, Participant.id == Vote.participant_id)
            .join(Statement, Statement.id == Vote.statement_id)
            .join(Conversation, Conversation.id == Vote.conversation_id)
            .order_by(Vote.id)
        ).all()
    return [tuple(r) for r in rows]


def close(db: App, slug: str) -> None:
    with db.transaction() as session:
        session.execute(
            update(Conversation).where(Conversation.slug == slug).values(closed_at=utcnow())
        )


def test_a_batch_takes_the_good_ballots_and_says_why_for_the_rest(db_app: App):
    do_open_conversation(db_app, topic="Open", question="?", seeds=SEEDS, slug="open")
    do_open_conversation(db_app, topic="Pre", question="?", seeds=SEEDS[:1], moderation="pre",
                         slug="pre")  # fmt: skip
    do_open_conversation(db_app, topic="Shut", question="?", seeds=SEEDS[:1], slug="shut")
    hidden = do_submit_statement(db_app, "pre", "author", "A statement waiting for a moderator")
    close(db_app, "shut")
    ballots = [
        Ballot("open", "ann", 0, "agree"),
        Ballot("open", "bob", 1, -1),
        Ballot("open", "ann", 2, "pass"),  # ann again in the same batch: one participant
        Ballot("open", "cat", 0, "maybe"),
        Ballot("open", "cat", 99, 1),
        Ballot("pre", "dan", hidden.tid, 1),  # pending in pre-moderation: hidden
        Ballot("pre", "dan", 0, 1),
        Ballot("shut", "eve", 0, 1),
        Ballot("nowhere", "eve", 0, 1),
        Ballot("open", "", 0, 1),
    ]
    outcomes = do_votes(db_app, ballots)
    kinds = [type(o).__name__ if not isinstance(o, int) else "pid" for o in outcomes]
    assert kinds == ["pid", "pid", "pid", "InvalidInput", "NotFound", "NotFound", "pid",
                     "Conflict", "NotFound", "InvalidInput"]  # fmt: skip
    assert outcomes[0] == outcomes[2] != outcomes[1]
    assert stored(db_app) == [
        ("open", outcomes[0], 0, 1),
        ("open", outcomes[1], 1, -1),
        ("open", outcomes[0], 2, 0),
        ("pre", outcomes[6], 0, 1),
    ]
    with db_app.reading() as session:  # cat never got a good vote in: never joined
        assert session.scalar(select(func.count(Participant.id))) == 3 + 1  # + the author


def test_one_vote_is_a_batch_of_one(db_app: App):
    do_open_conversation(db_app, topic="Open", question="?", seeds=SEEDS, slug="open")
    pid = do_vote(db_app, "open", "ann", 1, "disagree")
    assert stored(db_app) == [("open", pid, 1, -1)]
    with pytest.raises(InvalidInput, match="not agree, disagree or pass"):
        do_vote(db_app, "open", "ann", 1, "maybe")
    with pytest.raises(NotFound, match="no statement 7"):
        do_vote(db_app, "open", "ann", 7, 1)
    close(db_app, "open")
    with pytest.raises(Conflict, match="closed"):
        do_vote(db_app, "open", "ann", 1, 1)
    assert len(stored(db_app)) == 1


def test_first_votes_join_together_and_one_by_one_after_a_race(db_app: App, monkeypatch):
    do_open_conversation(db_app, topic="Open", question="?", seeds=SEEDS, slug="open")
    first = do_votes(db_app, [Ballot("open", f"p{i}", i % 3, 1) for i in range(50)])
    assert first == list(range(50))  # fifty new people, one insert, pids in order
    # Another process joined people meanwhile: the pids this batch counted on
    # are taken, so its insert fails and each new person joins on its own.
    real = conversations.next_pid
    stale = iter([3])
    monkeypatch.setattr(conversations, "next_pid", lambda s, cid: next(stale, None) or real(s, cid))
    again = do_votes(db_app, [Ballot("open", key, 0, -1) for key in ("p0", "new1", "new2", "p1")])
    assert again == [0, 50, 51, 1]
    assert len(stored(db_app)) == 54
    with db_app.reading() as session:
        assert session.scalar(select(func.count(Participant.id))) == 52


def test_concurrent_batches_of_first_votes_give_everyone_their_own_pid(db_app: App):
    do_open_conversation(db_app, topic="Open", question="?", seeds=SEEDS, slug="open")

    def batches(writer: int) -> list[int | Exception]:
        outcomes: list[int | Exception] = []
        for batch in range(5):
            keys = [f"w{writer}-b{batch}-{i}" for i in range(20)] + ["shared"]
            outcomes += do_votes(db_app, [Ballot("open", key, 0, 1) for key in keys])
        return outcomes

    with ThreadPoolExecutor(4) as pool:
        results = [pid for outcomes in pool.map(batches, range(4)) for pid in outcomes]
    assert all(isinstance(pid, int) for pid in results)
    assert len(stored(db_app)) == 4 * 5 * 21
    with db_app.reading() as session:
        pids = session.scalars(select(Participant.pid)).all()
    assert sorted(pids) == list(range(4 * 5 * 20 + 1))  # one each, "shared" once, no gaps


def test_the_queue_groups_concurrent_votes_and_answers_each(app: App, monkeypatch):
    do_open_conversation(app, topic="Open", question="?", seeds=SEEDS, slug="open")
    batches: list[int] = []
    real = vote_actions.do_votes

    def counting(db, ballots):
        batches.append(len(ballots))
        return real(db, ballots)

    monkeypatch.setattr("groundswell.web.votes.do_votes", counting)

    async def main() -> list[object]:
        queue = VoteQueue(app, asyncio.get_running_loop())
        await queue.vote(Ballot("open", "first", 0, 1))  # a quiet server: written at once
        jobs = [queue.vote(Ballot("open", f"p{i}", i % 3, 1)) for i in range(60)]
        jobs.append(queue.vote(Ballot("open", "p0", 42, 1)))  # refused on its own
        return await asyncio.gather(*jobs, return_exceptions=True)

    results = asyncio.run(main())
    assert all(isinstance(r, int) for r in results[:60])
    assert isinstance(results[60], NotFound)
    assert len(stored(app)) == 61
    assert batches == [1, 61]  # then everything queued meanwhile shares one transaction


def test_a_failed_transaction_fails_every_vote_in_it_and_stores_none(app: App, monkeypatch):
    do_open_conversation(app, topic="Open", question="?", seeds=SEEDS, slug="open")

    def broken(db, ballots):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr("groundswell.web.votes.do_votes", broken)

    async def main() -> list[object]:
        queue = VoteQueue(app, asyncio.get_running_loop())
        jobs = [queue.vote(Ballot("open", f"p{i}", 0, 1)) for i in range(5)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    assert all(isinstance(r, OperationalError) for r in asyncio.run(main()))
    assert stored(app) == []


# --- over HTTP: the short path and the full path answer alike --------------------------------


@pytest.fixture
def vote_web(app: App) -> FastAPI:
    add_users(app)
    do_open_conversation(app, topic="Getting about", question="How?", seeds=SEEDS, slug="about")
    return create_app(app)


@pytest.fixture
async def visitor(vote_web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(vote_web, "anonymous"):
        yield c


async def _token(client: httpx.AsyncClient) -> str:
    return csrf_from((await client.get("/conversations/about")).text)


@pytest.fixture
def full_path_calls(monkeypatch) -> list[str]:
    """Records each vote that reached the full application's vote route."""
    from groundswell.web.routes import conversations as routes

    calls: list[str] = []
    real = routes.participant_key  # the route asks for the key; the short path does not

    def spy(request):
        calls.append(request.url.path)
        return real(request)

    monkeypatch.setattr(routes, "participant_key", spy)
    return calls


@pytest.mark.anyio
async def test_a_plain_vote_takes_the_short_path_with_every_header(
    visitor: httpx.AsyncClient, app: App, full_path_calls: list[str]
):
    token = await _token(visitor)
    form = {"tid": "1", "vote": "agree", "csrf_token": token}
    answer = await visitor.post("/conversations/about/vote", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/conversations/about"
    for name, value in HEADERS.items():
        assert answer.headers[name] == value
    assert "set-cookie" not in answer.headers
    assert full_path_calls == []
    assert [(s, t, v) for s, _, t, v in stored(app)] == [("about", 1, 1)]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("form", "headers", "status", "says"),
    [
        (
            {"tid": "1", "vote": "agree", "csrf_token": "forged"},
            {},
            403,
            "did not come from this site",
        ),
        ({"tid": "1", "vote": "agree"}, {"hx-request": "true"}, 200, "nhsuk-card"),
        ({"tid": "1", "vote": "agree", "note": "x" * 5000}, {}, 303, ""),
    ],
)
async def test_anything_else_goes_to_the_full_path(
    visitor: httpx.AsyncClient, app: App, full_path_calls, form, headers, status, says
):
    token = await _token(visitor)
    answer = await visitor.post("/conversations/about/vote", data={"csrf_token": token, **form},
                                headers=headers)  # fmt: skip
    assert answer.status_code == status, answer.text
    assert says in answer.text
    assert answer.headers["content-security-policy"] == HEADERS["content-security-policy"]
    if form.get("csrf_token") != "forged":
        assert full_path_calls == ["/conversations/about/vote"]
    assert len(stored(app)) == (1 if status in (200, 303) else 0)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("form", "status", "says"),
    [
        ({"tid": "1", "vote": "maybe"}, 422, "not agree, disagree or pass"),
        ({"tid": "x", "vote": "agree"}, 422, "choose a statement"),
        ({"tid": "9", "vote": "agree"}, 404, "Page not found"),
        ({"tid": str(2**63), "vote": "agree"}, 404, f"statement {2**63} to vote on"),
    ],
)
async def test_a_refused_vote_gets_the_full_paths_page_from_the_short_path(
    visitor: httpx.AsyncClient, app: App, full_path_calls, form, status, says
):
    """A stream of refused ballots costs an error page each, not a trip through the stack."""
    token = await _token(visitor)
    answer = await visitor.post("/conversations/about/vote", data={"csrf_token": token, **form})
    assert answer.status_code == status, answer.text
    assert says in answer.text and "nhsuk-header" in answer.text  # the site's own error page
    for name, value in HEADERS.items():
        assert answer.headers[name] == value
    assert full_path_calls == []
    assert stored(app) == []


@pytest.mark.anyio
async def test_closed_conversation_and_rate_limit_answer_as_the_full_path_does(
    vote_web: FastAPI, visitor: httpx.AsyncClient, app: App, full_path_calls
):
    do_open_conversation(app, topic="Shut", question="?", seeds=SEEDS, slug="shut")
    close(app, "shut")
    token = await _token(visitor)
    form = {"tid": "0", "vote": "agree", "csrf_token": token}
    shut = await visitor.post("/conversations/shut/vote", data=form)
    assert shut.status_code == 409 and "closed" in shut.text
    vote_web.state.ratelimiter.limits["vote"] = 2
    answers = [await visitor.post("/conversations/about/vote", data=form) for _ in range(3)]
    assert [a.status_code for a in answers] == [303, 303, 429]
    assert "oo many votes; wait" in answers[2].text and int(answers[2].headers["retry-after"]) >= 1
    assert answers[2].headers["content-security-policy"] == HEADERS["content-security-policy"]
    assert full_path_calls == []  # the short path answered all of them, the 429 too
    assert len(stored(app)) == 2


@pytest.mark.anyio
async def test_signed_in_people_vote_as_themselves(vote_web: FastAPI, app: App, full_path_calls):
    async for member in client_for(vote_web, "participant"):
        token = await _token(member)
        form = {"tid": "2", "vote": "disagree", "csrf_token": token}
        answer = await member.post("/conversations/about/vote", data=form)
        assert answer.status_code == 303
    assert full_path_calls == ["/conversations/about/vote"]
    assert [(t, v) for _, _, t, v in stored(app)] == [(2, -1)]


def test_votes_are_never_lost_under_concurrent_posts(vote_web: FastAPI, app: App):
    """Many visitors at once through the real app: every 303 is a stored vote."""

    async def one(i: int) -> int:
        transport = httpx.ASGITransport(app=vote_web)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            token = await _token(c)
            codes = []
            for k in range(5):
                form = {"tid": str((i + k) % 3), "vote": "agree", "csrf_token": token}
                codes.append((await c.post("/conversations/about/vote", data=form)).status_code)
            return codes.count(303)

    async def main() -> int:
        vote_web.state.ratelimiter.limits["vote"] = 10_000
        return sum(await asyncio.gather(*(one(i) for i in range(40))))

    acknowledged = asyncio.run(main())
    assert acknowledged == 200 == len(stored(app))


def test_the_vote_log_reads_new_votes_and_forgets_erased_ones(db_app: App):
    from sqlalchemy import delete

    from groundswell.actions.conversation_report import analysis

    do_open_conversation(db_app, topic="Open", question="?", seeds=SEEDS, slug="open")
    do_votes(db_app, [Ballot("open", k, t, 1) for k in ("a", "b", "c") for t in (0, 1)])
    assert analysis(db_app, "open").matrix.n_votes == 6
    do_votes(db_app, [Ballot("open", "d", 2, -1)])  # read on its own, after the kept log
    assert analysis(db_app, "open").matrix.n_votes == 7
    with db_app.transaction() as session:  # what erasing a person does to their votes
        b = session.scalar(select(Participant.id).where(Participant.pid == 1))
        session.execute(delete(Vote).where(Vote.participant_id == b))
    erased = analysis(db_app, "open")
    assert erased.matrix.n_votes == 5 and 1 not in list(erased.matrix.pids)


@pytest.mark.anyio
async def test_votes_are_limited_per_voter_and_per_address(vote_web: FastAPI, app: App):
    vote_web.state.ratelimiter.limits.update({"vote": 2, "vote_address": 3})
    codes = []
    for _ in range(2):  # two people behind one address (a ward, a library)
        async for person in client_for(vote_web, "anonymous"):
            form = {"tid": "0", "vote": "agree", "csrf_token": await _token(person)}
            for _ in range(3):
                codes.append(
                    (await person.post("/conversations/about/vote", data=form)).status_code
                )
    # the first person is held at 2; the second gets the address's last vote, then waits
    assert codes == [303, 303, 429, 303, 429, 429]
    assert len(stored(app)) == 3


@pytest.mark.anyio
async def test_a_database_failure_is_a_503_page_and_no_vote(
    visitor: httpx.AsyncClient, app: App, monkeypatch
):
    token = await _token(visitor)

    def broken(db, ballots):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr("groundswell.web.votes.do_votes", broken)
    form = {"tid": "1", "vote": "agree", "csrf_token": token}
    answer = await visitor.post("/conversations/about/vote", data=form)
    assert answer.status_code == 503 and "Sorry, the service is unavailable" in answer.text
    assert answer.headers["content-security-policy"] == HEADERS["content-security-policy"]
    assert stored(app) == []


def test_two_databases_at_one_address_never_share_an_analysis():
    """Two in-memory databases (the same URL), the same shape of votes, different answers."""
    from groundswell.actions.conversation_report import analysis

    first, second = App.memory(), App.memory()
    for gs, value in ((first, 1), (second, -1)):
        do_open_conversation(gs, topic="Open", question="?", seeds=SEEDS, slug="open")
        do_votes(gs, [Ballot("open", k, t, value) for k in ("a", "b", "c") for t in (0, 1)])
    agree, disagree = analysis(first, "open"), analysis(second, "open")
    assert agree.matrix.n_votes == disagree.matrix.n_votes == 6
    assert (agree.matrix.to_dense() > 0).sum() == 6 and (disagree.matrix.to_dense() < 0).sum() == 6
