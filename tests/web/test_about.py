"""/about/roles: the role matrix, read from the permission table, and the README's copy of it."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import httpx
import pytest

from groundswell.app import App
from groundswell.auth.permissions import RULES, WHO, Action, role_matrix, role_matrix_markdown
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _cells(row: str) -> list[str]:
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


async def test_finding_4_roles_page_shows_the_permission_table(app: App):
    transport = httpx.ASGITransport(app=create_app(app), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        page = await client.get("/about/roles")
        home = await client.get("/")
    assert page.status_code == 200
    assert 'href="/about/roles"' in home.text  # linked from every page's footer
    table = page.text.split("<table", 1)[1].split("</table>", 1)[0]
    rows = [_cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]
    assert rows[0] == ["What", *WHO]
    assert [(r[0], tuple(r[1:])) for r in rows[1:]] == role_matrix()


def test_finding_4_every_action_is_in_the_matrix_as_can_answers():
    rows = dict(role_matrix())
    assert len(rows) == len(RULES) == len(Action)
    statements = rows["Open conversations and moderate their statements"]
    assert dict(zip(WHO, statements, strict=True)) == {
        "Anyone, without an account": "No", "Participant": "No",
        "Organiser": "Within their scope", "Moderator": "Within their scope",
        "Admin": "Within their scope",
    }  # fmt: skip


def test_finding_4_readme_carries_the_same_matrix():
    expected = role_matrix_markdown()
    assert expected in README.read_text(encoding="utf-8"), (
        "README.md's role matrix differs from the permission table; replace it with:\n" + expected
    )
