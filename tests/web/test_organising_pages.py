"""Pledges, memberships and the organiser's admin pages, through the real forms."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from auth_helpers import (
    USERS,
    add_users,
    client_for,
    csrf_from,
    fast_hashing,  # noqa: F401
)
from fastapi import FastAPI
from sqlalchemy import func, select

from groundswell.actions.accounts import do_link_person
from groundswell.app import App
from groundswell.store.models import AuditEvent, Campaign, Conversation, Membership, Person

pytestmark = pytest.mark.anyio


@pytest.fixture
async def clients(web: FastAPI, app: App) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    add_users(app)
    do_link_person(app, email=USERS["participant"][0], person="p01")
    opened: dict[str, httpx.AsyncClient] = {}
    gens = []
    for role in ("anonymous", "participant", "organiser", "moderator", "admin"):
        gen = client_for(web, role)
        opened[role] = await gen.__anext__()
        gens.append(gen)
    yield opened
    for gen in gens:
        with pytest.raises(StopAsyncIteration):
            await gen.__anext__()


Files = dict[str, tuple[str, bytes, str]]


async def post(
    client: httpx.AsyncClient, page: str, url: str, data: dict[str, str], files: Files | None = None
) -> httpx.Response:
    token = csrf_from((await client.get(page)).text)
    return await client.post(url, data={**data, "csrf_token": token}, files=files)


def audited(app: App, action: str) -> list[AuditEvent]:
    with app.reading() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


async def test_a_person_makes_shares_and_keeps_a_pledge(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    pat = clients["participant"]
    wanted = {"text": "Walk to the shops", "initiative": "mile-a-day", "campaign": ""}
    made = await post(pat, "/pledges/new", "/pledges/new", wanted)
    assert made.status_code == 303
    page_url = made.headers["location"]
    assert re.fullmatch(r"/pledges/\d+", page_url)
    page = await pat.get(page_url)
    assert "Share my pledge" in page.text and "Walk to the shops" in page.text
    assert (await post(pat, page_url, page_url + "/share", {})).status_code == 303
    page = await pat.get(page_url)
    link = re.search(r'id="share-link">[^<]*?(/pledges/shared/[^<]+)<', page.text)
    assert link, page.text
    public = await clients["anonymous"].get(link.group(1))
    assert public.status_code == 200 and "Walk to the shops" in public.text
    assert "Pat" not in public.text.split("<main", 1)[1]  # the maker is not named
    forged = link.group(1)[:-4] + "0000"
    assert (await clients["anonymous"].get(forged)).status_code == 404
    # Someone else's pledge is not theirs to read or step on.
    assert (await clients["admin"].get(page_url)).status_code == 404
    assert (await post(pat, page_url, page_url + "/done", {})).status_code == 303
    done = await pat.get(page_url)
    assert 'id="status">Done' in done.text
    listed = await pat.get("/pledges")
    assert "Walk to the shops" in listed.text


async def test_an_unlinked_account_is_told_to_ask_and_writes_nothing(
    clients: dict[str, httpx.AsyncClient], app: App
) -> None:
    olu = clients["organiser"]
    assert "not linked" in (await olu.get("/pledges")).text
    refused = await post(olu, "/pledges", "/pledges/new", {"text": "Something"})
    assert refused.status_code == 422 and "not linked" in refused.text
    assert (await clients["anonymous"].get("/pledges")).status_code in (303, 401)


PEOPLE_BAD = (
    "id,display_name,town,kind\nn1,Ann,Leeds,citizen\nn2,Bo,Leeds,doctor\nn3,Cy,York,staff\n"
)
PEOPLE_GOOD = PEOPLE_BAD.replace("doctor", "citizen")


def people(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


async def test_upload_refuses_a_bad_row_then_previews_and_imports(
    clients: dict[str, httpx.AsyncClient], app: App
) -> None:
    ada, before = clients["admin"], people(app)
    bad = await post(
        ada,
        "/admin/imports",
        "/admin/imports",
        {"kind": "people"},
        files={"file": ("people.csv", PEOPLE_BAD.encode(), "text/csv")},
    )
    assert bad.status_code == 422
    assert "people.csv, line 3, field &#39;kind&#39;: &#39;doctor&#39;" in bad.text
    assert "uploads" not in bad.text  # the private copy's path is never shown
    assert people(app) == before
    preview = await post(
        ada,
        "/admin/imports",
        "/admin/imports",
        {"kind": "people"},
        files={"file": ("people.csv", PEOPLE_GOOD.encode(), "text/csv")},
    )
    assert preview.status_code == 200
    assert 'id="preview-created">3<' in preview.text and people(app) == before
    held = list((app.settings.data_dir / "uploads").iterdir())
    assert len(held) == 1 and held[0].stat().st_mode & 0o777 == 0o600
    assert (app.settings.data_dir / "uploads").stat().st_mode & 0o777 == 0o700
    fields = dict(re.findall(r'name="(token|kind|filename)" value="([^"]*)"', preview.text))
    # Another account cannot confirm this upload.
    stolen = await post(clients["moderator"], "/account", "/admin/imports/confirm", fields)
    assert stolen.status_code == 403 and people(app) == before
    done = await post(ada, "/admin/imports", "/admin/imports/confirm", fields)
    assert done.status_code == 200 and "3 added" in done.text
    assert people(app) == before + 3
    assert not list((app.settings.data_dir / "uploads").iterdir())
    assert [e.detail["created"] for e in audited(app, "imports.people")] == [3]
    again = await post(ada, "/admin/imports", "/admin/imports/confirm", fields)
    assert again.status_code == 422 and "upload the file again" in again.text


async def test_only_movement_wide_organisers_upload(clients: dict[str, httpx.AsyncClient]) -> None:
    assert (await clients["organiser"].get("/admin/imports")).status_code == 403
    assert (await clients["participant"].get("/admin/imports")).status_code == 403
    home = await clients["moderator"].get("/admin")
    assert "/stories/moderate" in home.text and "/admin/imports" not in home.text
    assert 'href="/admin">Admin<' in home.text
    assert 'href="/admin">Admin<' not in (await clients["participant"].get("/account")).text


async def test_admin_adds_users_grants_revokes_and_links(
    clients: dict[str, httpx.AsyncClient], app: App
) -> None:
    ada = clients["admin"]
    assert (await clients["organiser"].get("/admin/users")).status_code == 403
    short = await post(
        ada,
        "/admin/users",
        "/admin/users",
        {"email": "kim@example.org", "display_name": "Kim", "password": "short"},
    )
    assert short.status_code == 422 and "at least 10" in short.text
    made = await post(
        ada,
        "/admin/users",
        "/admin/users",
        {
            "email": "kim@example.org",
            "display_name": "Kim",
            "password": "three random words",
            "role": "participant",
            "scope": "*",
        },
    )
    assert made.status_code == 303
    granted = await post(
        ada,
        "/admin/users",
        "/admin/users/grant",
        {"email": "kim@example.org", "role": "organiser", "scope": "town:York"},
    )
    assert granted.status_code == 303
    page = await ada.get("/admin/users")
    assert "organiser (town:York)" in page.text
    bad_scope = await post(
        ada,
        "/admin/users",
        "/admin/users/grant",
        {"email": "kim@example.org", "role": "organiser", "scope": "city:X"},
    )
    assert bad_scope.status_code == 422 and "not understood" in bad_scope.text
    revoked = await post(
        ada,
        "/admin/users",
        "/admin/users/revoke",
        {"email": "kim@example.org", "role": "organiser", "scope": "town:York"},
    )
    assert revoked.status_code == 303
    assert "organiser (town:York)" not in (await ada.get("/admin/users")).text
    nobody = await post(
        ada, "/admin/users", "/admin/users/link", {"email": "kim@example.org", "person": "nobody"}
    )
    assert nobody.status_code == 422 and "not a person" in nobody.text
    linked = await post(
        ada, "/admin/users", "/admin/users/link", {"email": "kim@example.org", "person": "p03"}
    )
    assert linked.status_code == 303
    assert re.search(r"kim@example.org.*?p03", (await ada.get("/admin/users")).text, re.S)
    actions = [e.action for e in audited(app, "accounts.grant") + audited(app, "accounts.link")]
    assert actions.count("accounts.grant") == 1 and "accounts.link" in actions
    assert all(e.actor == USERS["admin"][0] for e in audited(app, "accounts.revoke"))


async def test_campaigns_created_and_edited_in_the_web(
    clients: dict[str, httpx.AsyncClient], app: App
) -> None:
    ada = clients["admin"]
    assert (await clients["organiser"].get("/admin/campaigns")).status_code == 403
    bad = await post(
        ada,
        "/admin/campaigns/new",
        "/admin/campaigns/new",
        {"slug": "Bad Slug", "name": "Cook", "unit": "yes_no", "starts_on": "2026-06-01"},
    )
    assert bad.status_code == 422 and "lower-case letters" in bad.text
    made = await post(
        ada,
        "/admin/campaigns/new",
        "/admin/campaigns/new",
        {
            "slug": "cook-june",
            "name": "Cook in June",
            "unit": "yes_no",
            "daily_target": "1",
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-30",
        },
    )
    assert made.status_code == 303 and made.headers["location"] == "/campaigns/cook-june"
    edit = "/admin/campaigns/cook-june/edit"
    late = await post(
        ada,
        edit,
        edit,
        {"name": "Cook", "daily_target": "1", "starts_on": "2026-07-01", "ends_on": "2026-06-30"},
    )
    assert late.status_code == 422 and "before it starts" in late.text
    saved = await post(
        ada,
        edit,
        edit,
        {
            "name": "Cook together in June",
            "daily_target": "1",
            "starts_on": "2026-06-01",
            "ends_on": "2026-07-31",
        },
    )
    assert saved.status_code == 303
    with app.reading() as s:
        c = s.scalars(select(Campaign).where(Campaign.slug == "cook-june")).one()
    assert (c.name, str(c.ends_on)) == ("Cook together in June", "2026-07-31")
    assert len(audited(app, "campaigns.edit")) == 1


async def test_close_a_conversation_and_link_it_to_an_initiative(
    clients: dict[str, httpx.AsyncClient], app: App
) -> None:
    ada, queue = clients["admin"], "/conversations/what-would-help/moderate"
    assert "not built yet" not in (await ada.get("/conversations")).text
    linked = await post(
        ada, queue, "/conversations/what-would-help/initiative", {"initiative": "cook-together"}
    )
    assert linked.status_code == 303
    closed = await post(ada, queue, "/conversations/what-would-help/close", {})
    assert closed.status_code == 303
    page = await ada.get(queue)
    assert 'id="closed"' in page.text and 'value="cook-together" selected' in page.text
    with app.reading() as s:
        c = s.scalars(select(Conversation).where(Conversation.slug == "what-would-help")).one()
    assert c.closed_at is not None and c.initiative_id is not None
    # A town organiser may not move it into an initiative outside their scope.
    moved = await post(
        clients["organiser"],
        "/account",
        "/conversations/what-would-help/initiative",
        {"initiative": ""},
    )
    assert moved.status_code == 403


async def test_join_leave_and_organisers_add_and_remove(
    clients: dict[str, httpx.AsyncClient], app: App
) -> None:
    pat, olu, page = clients["participant"], clients["organiser"], "/initiatives/mile-a-day"
    shown = await pat.get(page)
    assert "Join A mile a day" in shown.text or "Leave A mile a day" in shown.text
    if "Leave A mile a day" in shown.text:
        await post(pat, page, page + "/leave", {})
    assert (await post(pat, page, page + "/join", {})).status_code == 303
    joined = (await pat.get(page)).text
    assert "Leave A mile a day" in joined
    assert 'href="/pledges/new?initiative=mile-a-day"' in joined
    form = (await pat.get("/pledges/new?initiative=mile-a-day")).text
    assert 'value="mile-a-day" selected' in form
    assert (await post(pat, page, page + "/leave", {})).status_code == 303
    with app.reading() as s:
        mine = s.scalars(
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(Person.ref == "p01")
        ).all()
    assert any(m.left_on is not None for m in mine)
    # A Leeds organiser adds a Leeds person, not a Bradford one they cannot see.
    york = await post(olu, page, page + "/members", {"person": "p02", "role": "member"})
    assert york.status_code == 422 and "not a person you may see" in york.text
    added = await post(olu, page, page + "/members", {"person": "p01", "role": "host"})
    assert added.status_code == 303
    assert (await post(olu, page, page + "/members/remove", {"person": "p01"})).status_code == 303
    assert (await post(pat, page, page + "/members", {"person": "p01"})).status_code == 403


async def test_organisers_see_exact_pledge_counts_the_public_does_not(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    pat = clients["participant"]
    made = await post(pat, "/pledges/new", "/pledges/new", {"text": "Bake for the group"})
    url = made.headers["location"]
    await post(pat, url, url + "/share", {})
    await post(pat, url, url + "/done", {})
    page = await clients["organiser"].get("/admin/pledges")
    assert re.search(r'id="commitments-kept">1 of 1 \(100%\)', page.text)
    assert "made: suppressed (&lt;10)" in page.text
    assert (await clients["participant"].get("/admin/pledges")).status_code == 403


async def test_the_leadership_page_is_recomputed_when_a_pledge_is_kept(
    web: FastAPI, app: App
) -> None:
    from groundswell.actions import pledges as pa
    from groundswell.actions.roles_report import data_fingerprint
    from groundswell.actions.snapshot import reading_snapshot

    def row_counts(gs: App) -> tuple[object, ...]:
        with reading_snapshot(gs) as session:
            return data_fingerprint(session)

    made = pa.do_make_pledge(app, person="p01", text="Lead a walk")
    before = row_counts(app)
    pa.do_share_pledge(app, made.id)
    shared = row_counts(app)
    pa.do_complete_pledge(app, made.id)
    assert before != shared != row_counts(app)


async def test_an_attendance_sheet_needs_its_event(
    clients: dict[str, httpx.AsyncClient], app: App
) -> None:
    ada, sheet = clients["admin"], b"id\np01\n"
    files = {"file": ("sign-in.csv", sheet, "text/csv")}
    no_event = await post(ada, "/admin/imports", "/admin/imports", {"kind": "attendance"}, files)
    assert no_event.status_code == 422 and "event&#39;s short name" in no_event.text
    unknown = await post(ada, "/admin/imports", "/admin/imports",
                         {"kind": "attendance", "event": "nope"}, files)  # fmt: skip
    assert unknown.status_code == 422 and 'id="event-error"' in unknown.text
    assert not list((app.settings.data_dir / "uploads").glob("*.csv"))


async def test_cancelling_a_preview_deletes_the_held_file(
    clients: dict[str, httpx.AsyncClient], app: App
) -> None:
    ada, before = clients["admin"], people(app)
    files = {"file": ("people.csv", PEOPLE_GOOD.encode(), "text/csv")}
    preview = await post(ada, "/admin/imports", "/admin/imports", {"kind": "people"}, files)
    fields = dict(re.findall(r'name="(token|kind|filename)" value="([^"]*)"', preview.text))
    cancelled = await post(ada, "/admin/imports", "/admin/imports/confirm",
                           {**fields, "cancel": "yes"})  # fmt: skip
    assert cancelled.status_code == 303 and cancelled.headers["location"] == "/admin/imports"
    assert not list((app.settings.data_dir / "uploads").glob("*.csv"))
    assert people(app) == before
