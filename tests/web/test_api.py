"""The JSON API under /api/v1: counts, lists, OpenAPI, and errors as {"detail": message}."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_stats_match_the_database(client: httpx.AsyncClient, expected: dict[str, int]):
    response = await client.get("/api/v1/stats")
    assert response.status_code == 200
    stats = response.json()
    for key, value in expected.items():
        assert stats[key] == value, key
    assert stats["initiatives_by_hand_and_mode"] == {
        "grassroots": {"keeping": 0, "sharing": 1, "ceding": 1},
        "system": {"keeping": 1, "sharing": 0, "ceding": 0},
    }
    assert stats["stories_by_status"]["published"] is None  # one story: under 10


async def test_lists(client: httpx.AsyncClient):
    conversations = (await client.get("/api/v1/conversations")).json()
    assert [c["slug"] for c in conversations] == ["what-would-help", "closed-one"]
    assert conversations[0] | {"question": ""} == {
        "slug": "what-would-help",
        "topic": "Getting out and about",
        "question": "",
        "open": True,
        "participants": 3,
        "statements": 4,
        "votes": 7,
    }
    one = (await client.get("/api/v1/conversations/closed-one")).json()
    assert one["open"] is False and one["votes"] == 0

    initiatives = (await client.get("/api/v1/initiatives", params={"limit": 2})).json()
    assert [(i["slug"], i["hand"], i["power_mode"]) for i in initiatives] == [
        ("mile-a-day", "grassroots", "ceding"),
        ("cook-together", "grassroots", "sharing"),
    ]
    assert initiatives[0]["members"] is None and initiatives[0]["suppressed"]  # 4: under 10

    campaigns = (await client.get("/api/v1/campaigns")).json()
    # Two people log: under 10, so the API shows no figure for them.
    assert campaigns[0]["total"] is None and campaigns[0]["people_logging"] is None
    assert campaigns[0]["suppressed"] is True

    network = (await client.get("/api/v1/network")).json()
    assert (network["people"], network["ties"], network["isolated"]) == (12, 11, None)
    assert {band["people"] for band in network["bands"]} == {None}  # 10 + 2 in small bands

    measures = (await client.get("/api/v1/measures")).json()
    assert (measures["survey_responses"], measures["respondents"]) == (None, None)

    stories = (await client.get("/api/v1/stories")).json()
    assert stories["stories"] == 2
    assert "body" not in str(stories) and "title" not in str(stories)


async def test_not_found_maps_to_404_with_detail(client: httpx.AsyncClient):
    response = await client.get("/api/v1/conversations/no-such-talk")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "no conversation 'no-such-talk'; GET /api/v1/conversations lists them"
    }
    unknown = await client.get("/api/v1/no-such-endpoint")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "Not Found"}


@pytest.mark.parametrize("limit", ["0", "201", "many"])
async def test_bad_query_is_a_422_naming_the_parameter(client: httpx.AsyncClient, limit: str):
    response = await client.get("/api/v1/initiatives", params={"limit": limit})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail.startswith("limit: ")


async def test_openapi_schema_and_docs(client: httpx.AsyncClient):
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Groundswell API"
    assert {"/api/v1/stats", "/api/v1/initiatives", "/api/v1/conversations"} <= set(schema["paths"])
    assert not any(path in schema["paths"] for path in ("/", "/healthz", "/network"))
    assert "Stats" in schema["components"]["schemas"]
    docs = await client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert 'data-openapi-url="/api/v1/openapi.json"' in docs.text


async def test_finding_api_totals_carry_no_float_noise(app, client: httpx.AsyncClient):
    """Issue 15: API totals read like 17549.40000000047."""
    from datetime import date, timedelta

    from groundswell.actions.campaigns import do_create_campaign, do_log_activity

    start = date(2025, 3, 1)
    do_create_campaign(app, slug="tenths", name="Tenths of a mile", unit="miles",
                       starts_on=start, ends_on=start + timedelta(days=2))  # fmt: skip
    for day in range(3):
        for i in range(12):
            do_log_activity(app, campaign="tenths", person=f"p{i:02d}",
                            day=start + timedelta(days=day), amount=0.1)  # fmt: skip
    assert sum([0.1] * 36) != 3.6  # the noise the API must not pass on
    campaigns = {c["slug"]: c for c in (await client.get("/api/v1/campaigns")).json()}
    assert campaigns["tenths"]["total"] == 3.6
    network = (await client.get("/api/v1/network")).json()
    assert network["mean_degree"] == round(network["mean_degree"], 2)
