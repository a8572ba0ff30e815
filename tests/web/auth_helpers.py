"""Helpers for the web account tests: users with roles, signing in through the real form."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

from groundswell.actions.accounts import do_create_user
from groundswell.app import App
from groundswell.auth import passwords

PASSWORD = "three random words"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
BASE = "https://testserver"  # Secure cookies travel over https only

# role name -> (email, role, scope); "anonymous" signs nobody in
USERS = {
    "participant": ("pat@example.org", "participant", "*"),
    "organiser": ("olu@example.org", "organiser", "town:Leeds"),
    "moderator": ("mo@example.org", "moderator", "*"),
    "admin": ("ada@example.org", "admin", "*"),
}
ROLES = ["anonymous", *USERS]


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_HASHER", FAST)


def add_users(gs: App) -> None:
    for email, role, scope in USERS.values():
        do_create_user(
            gs, email=email, display_name=email.split("@")[0].title(), password=PASSWORD,
            role=role, scope=scope,
        )  # fmt: skip


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD):
    page = await client.get("/sign-in")
    return await client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
    )


async def client_for(web: FastAPI, role: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        if role != "anonymous":
            response = await sign_in(client, USERS[role][0])
            assert response.status_code == 303, response.text
        yield client
