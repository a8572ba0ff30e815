"""Fuzzing: importers and graph readers meet random and mutated files with clear errors only.

Each reader gets random bytes and small valid files with bytes flipped, cut,
repeated or spliced with awkward text (quotes, BOMs, NULs, huge numbers, XML
entities). It may succeed or raise a ``GroundswellError`` with a message; any
other exception, or an empty message, fails the test. Example counts are
bounded so the whole file runs in well under a minute.
"""

from __future__ import annotations

import importlib.util
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groundswell.actions.imports import do_import_people, do_import_ties
from groundswell.app import App
from groundswell.errors import GroundswellError
from groundswell.network import read_graph

EXAMPLES = 120
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NASTY = [
    b"\x00", b"\xef\xbb\xbf", b'"', b'""', b",", b"\n", b"\r\n", b"\t", b"#", b"\xff\xfe",
    b"1e309", b"-0", b"nan", b"inf", b"99999999999999999999999", b"&amp;", b"&#0;",
    b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"<", b">", b"]]>", b"\xc3", b"\xe2\x80\xae",
    b"p1", b"p2", b"true", b"2024-02-30", b"2024-01-01T25:00", b"\\", b"' OR 1=1 --",
]  # fmt: skip

PEOPLE = (
    b"id,display_name,town,kind,consent_contact,joined_at\np1,Amina,Leeds,staff,yes,2024-01-05\n"
)
TIES = b"source,target,kind,weight,observed_at\np1,p2,knows,2.5,2024-03-01\np2,p3,,,\n"
EDGES_CSV = b"source,target,weight\na,b,1\nb,c,0.5\n"
SNAP = b"# comment\n1 2\n2 3\n3 1\n"
GRAPHML = b"""<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="w" for="edge" attr.name="weight" attr.type="double"/>
<graph edgedefault="undirected"><node id="a"/><node id="b"/><node id="c"/>
<edge source="a" target="b"><data key="w">1.5</data></edge><edge source="b" target="c"/></graph>
</graphml>
"""
GEXF = b"""<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph defaultedgetype="undirected">
<nodes><node id="0" label="a"/><node id="1" label="b"/></nodes>
<edges><edge id="0" source="0" target="1" weight="2"/></edges></graph></gexf>
"""


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few random edits, or (sometimes) random bytes outright."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "cut", "insert", "nasty", "repeat"]))
        if op == "flip" and data:
            i = min(at, len(data) - 1)
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        elif op == "nasty":
            data[at:at] = draw(st.sampled_from(NASTY))
        else:
            data[at:at] = bytes(data[at : at + draw(st.integers(1, 60))]) * draw(st.integers(2, 5))
    return bytes(data)


def only_clear_errors(action: Callable[[], object]) -> None:
    try:
        action()
    except GroundswellError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"


_counter = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def store() -> App:
    """One in-memory database for every example: whatever an import leaves is fine."""
    app = App.memory()
    do_import_people(app, write(Path(tempfile.mkdtemp()), "seed.csv", b"id\np1\np2\np3\n"))
    return app


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / f"{next(_counter)}-{name}"
    path.write_bytes(data)
    return path


@settings(FUZZ, max_examples=3 * EXAMPLES)  # cheap: in-memory database
@given(data=mutated(PEOPLE), update=st.booleans())
def test_people_import(store: App, folder: Path, data: bytes, update: bool) -> None:
    path = write(folder, "people.csv", data)
    only_clear_errors(lambda: do_import_people(store, path, update=update))


@settings(FUZZ, max_examples=3 * EXAMPLES)
@given(data=mutated(TIES), update=st.booleans())
def test_ties_import(store: App, folder: Path, data: bytes, update: bool) -> None:
    path = write(folder, "ties.csv", data)
    only_clear_errors(lambda: do_import_ties(store, path, update=update))


@FUZZ
@given(
    case=st.sampled_from(
        [("g.csv", EDGES_CSV), ("g.txt", SNAP), ("g.graphml", GRAPHML), ("g.gexf", GEXF)]
    ).flatmap(lambda c: st.tuples(st.just(c[0]), mutated(c[1]))),
    directed=st.sampled_from([None, True, False]),
)
def test_read_graph(folder: Path, case: tuple[str, bytes], directed: bool | None) -> None:
    name, data = case
    path = write(folder, name, data)
    only_clear_errors(lambda: read_graph(path, directed=directed))


POLIS = importlib.util.find_spec("groundswell.conversations.polis_io") is not None
POLIS_FILES = {
    "votes.csv": b"timestamp,datetime,comment-id,voter-id,vote\n"
    b"1420948021768,Sun Jan 11 10:47:01 WIB 2015,0,0,-1\n"
    b"1421001582017,Mon Jan 12 01:39:42 WIB 2015,1,1,1\n1421001582018,x,0,1,0\n",
    "comments.csv": b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,"
    b"comment-body\n1545843962285,Thu Dec 27 00:06:02 WIB 2018,0,0,1,0,0,Hello\n"
    b'1545843962286,x,1,1,0,1,-1,"A, b"\n',
    "participants-votes.csv": b"participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n"
    b"0,0,1,1,0,1,-1,\n1,1,1,2,1,0,0,1\n",
    "summary.csv": b"topic,Football\nurl,https://pol.is/x\n",
}


def polis_case(folder: Path, which: str, data: bytes, drop: set[str]) -> None:
    from groundswell.conversations.polis_io import read_export

    export = folder / f"polis-{next(_counter)}"
    export.mkdir()
    for name, content in POLIS_FILES.items():
        if name not in drop:
            (export / name).write_bytes(content)
    (export / which).write_bytes(data)
    only_clear_errors(lambda: read_export(export))


@pytest.mark.skipif(not POLIS, reason="groundswell.conversations.polis_io is not there yet")
@FUZZ
@given(
    which=st.sampled_from(["comments.csv", "participants-votes.csv", "votes.csv"]),
    data=st.data(),
    drop=st.sets(st.sampled_from(sorted(POLIS_FILES)), max_size=2),
)
def test_polis_export(folder: Path, which: str, data: st.DataObject, drop: set[str]) -> None:
    polis_case(folder, which, data.draw(mutated(POLIS_FILES[which])), drop)


@pytest.mark.skipif(not POLIS, reason="groundswell.conversations.polis_io is not there yet")
@settings(FUZZ, max_examples=60)
@given(data=mutated(POLIS_FILES["summary.csv"]))
def test_polis_summary(folder: Path, data: bytes) -> None:
    polis_case(folder, "summary.csv", data, set())
