"""The Network spread page: a GET form that works without JavaScript, and its results."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.anyio


def reach(html: str) -> float:
    match = re.search(r'data-reach="([\d.]+)"', html)
    assert match, "no reach shown"
    return float(match.group(1))


async def test_form_without_results(client: httpx.AsyncClient) -> None:
    r = await client.get("/network/spread")
    assert r.status_code == 200
    assert '<form method="get" action="/network/spread"' in r.text
    assert "data-reach" not in r.text
    network = await client.get("/network")
    assert 'href="/network/spread"' in network.text


async def test_cascade_from_a_named_person(client: httpx.AsyncClient) -> None:
    # p00 is the hub of the sample movement; with p = 1 everyone tied to it adopts:
    # 11 of 12 people (p11 has no ties).
    query = {"choose": "labels", "labels": "p00", "model": "ic", "p": "1", "runs": "50"}
    r = await client.get("/network/spread", params=query)
    assert r.status_code == 200, r.text
    assert reach(r.text) == 11.0
    assert "<svg" in r.text and 'role="img"' in r.text and "style=" not in r.text.split("<svg")[1]
    assert "Adoption by step" in r.text and 'id="who-adopted"' in r.text
    assert "p00 (starts it)" in r.text


async def test_top_degree_complex_contagion_and_same_seed_same_numbers(
    client: httpx.AsyncClient,
) -> None:
    query = {"choose": "random", "k": "3", "model": "sir", "p": "0.5", "recovery": "0.5"}
    query |= {"runs": "200", "seed": "7"}
    a = await client.get("/network/spread", params=query)
    b = await client.get("/network/spread", params=query)
    assert a.status_code == 200 and reach(a.text) == reach(b.text)
    query = {"choose": "top", "k": "2", "model": "complex", "threshold": "2", "runs": "5"}
    r = await client.get("/network/spread", params=query)
    assert r.status_code == 200 and reach(r.text) >= 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"model": "ic", "p": "2"}, "p must be in [0, 1]"),
        ({"model": "ic", "p": "lots"}, "Chance p: &#39;lots&#39; is not a number"),
        ({"model": "ic", "choose": "labels", "labels": "nobody"}, "unknown node label(s): nobody"),
        ({"model": "complex"}, "exactly one of threshold"),
        ({"model": "ic", "runs": "999999"}, "Runs: choose between 1 and 10,000"),
    ],
)
async def test_bad_input_shows_the_form_with_the_problem(
    client: httpx.AsyncClient, query: dict[str, str], message: str
) -> None:
    r = await client.get("/network/spread", params=query)
    assert r.status_code == 422
    assert "There is a problem" in r.text and message in r.text
    assert '<form method="get"' in r.text and "Traceback" not in r.text
