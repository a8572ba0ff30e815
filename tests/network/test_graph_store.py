"""The people and ties in the store, read as a Graph, on SQLite and PostgreSQL."""

from __future__ import annotations

from groundswell.store.graph import read_store_graph
from groundswell.store.models.people import Person, Tie


def add_people(app, refs: list[str], ties: list[tuple[str, str, str, float]]) -> None:
    with app.transaction() as session:
        people = {ref: Person(ref=ref) for ref in refs}
        session.add_all(people.values())
        session.flush()
        session.add_all(
            Tie(source_id=people[a].id, target_id=people[b].id, kind=kind, weight=w)
            for a, b, kind, w in ties
        )


def test_people_and_ties(db_app) -> None:
    add_people(
        db_app,
        ["p3", "p1", "p2", "lonely"],
        [
            ("p1", "p2", "knows", 2.0),
            ("p2", "p1", "knows", 5.0),
            ("p1", "p2", "works_with", 1.0),
            ("p3", "p1", "knows", 0.5),
        ],
    )
    g, report = read_store_graph(db_app)
    assert g.labels.tolist() == ["p3", "p1", "p2", "lonely"]
    assert (g.n, g.m, report.edges_read, report.duplicates_merged) == (4, 2, 4, 2)
    assert g.neighbours(1).tolist() == [0, 2]
    assert g.weights[g.indptr[1] : g.indptr[2]].tolist() == [0.5, 2.0]
    assert g.neighbours(3).size == 0

    d, report = read_store_graph(db_app, directed=True, weighted=False)
    assert d.directed and d.m == 3 and report.duplicates_merged == 1 and d.weights is None
    assert d.neighbours(2).tolist() == [1]
    assert d.reverse().neighbours(1).tolist() == [0, 2]


def test_empty_store_and_session_argument(db_app) -> None:
    with db_app.reading() as session:
        g, report = read_store_graph(session)
    assert (g.n, g.m, report.nodes) == (0, 0, 0)


def test_many_people_in_a_ring(db_app) -> None:
    people = 300
    refs = [f"r{i}" for i in range(people)]
    add_people(
        db_app, refs, [(refs[i], refs[(i + 1) % people], "knows", 1.0) for i in range(people)]
    )
    g, _ = read_store_graph(db_app)
    assert g.m == people and set(g.out_degree().tolist()) == {2}
