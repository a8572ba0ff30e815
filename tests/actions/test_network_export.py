"""GraphML and GEXF exports of the network: attributes, round trips, escaping, the CLI."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pytest
from sqlalchemy import func, select

from groundswell.actions.demo import do_build_demo
from groundswell.actions.network_export import export_network, network_graph
from groundswell.actions.network_picture import default_seeds, network_picture
from groundswell.app import App
from groundswell.errors import InvalidInput
from groundswell.network.xmlformats import read_xml_graph
from groundswell.store.models import AuditEvent, Person, Tie


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_carries_community_role_seed_and_tie_attributes(db_app: App, fmt: str):
    do_build_demo(db_app, seed=3, people=300)
    body = export_network(db_app, fmt, actor="tester")
    pic = network_picture(db_app)
    seeds = default_seeds(db_app)
    # The project's own reader: the same people and ties as the store holds.
    graph, _ = read_xml_graph(f"network.{fmt}", body, kind=fmt, directed=None, weight_column=None)
    assert graph.n == pic.graph.n and graph.m == pic.graph.m
    refs = [str(label) for label in pic.graph.labels.tolist()]
    assert sorted(graph.labels.tolist()) == sorted(refs)
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(body))
    index = {ref: i for i, ref in enumerate(refs)}
    for ref, data in g.nodes(data=True):
        i = index[data.get("label", ref)]
        assert int(data["community"]) == int(pic.community[i]) + 1
        assert (data["role"] or None) == pic.roles[i]
        assert str(data["seed"]).lower() == str(bool(seeds[i])).lower()
    kinds = {k for _, _, d in g.edges(data=True) for k in d["kind"].split(";")}
    with db_app.reading() as session:
        assert kinds == set(session.scalars(select(Tie.kind).distinct()))
        assert session.scalar(select(func.count()).where(AuditEvent.action == "network.export"))
    assert all({"kind", "origin", "weight"} <= set(d) for _, _, d in g.edges(data=True))


def test_refs_are_escaped_and_names_never_written(db_app: App):
    do_build_demo(db_app, seed=3, people=300)
    with db_app.transaction() as session:
        person = session.scalars(select(Person).order_by(Person.id).limit(1)).one()
        person.ref = 'a<b>&"c\x07'
        person.display_name = "Zebedee Quixote-Smythe"
    body = export_network(db_app, "graphml", actor="tester")
    assert b"Zebedee" not in body and b"\x07" not in body
    g = nx.read_graphml(io.BytesIO(body))
    assert 'a<b>&"c' in g.nodes


def test_kinds_of_tie_and_unknown_ones(db_app: App):
    do_build_demo(db_app, seed=3, people=300)
    with db_app.reading() as session:
        kind = session.scalars(select(Tie.kind).limit(1)).one()
    g = network_graph(db_app, tie_kinds=[kind])
    assert {d["kind"] for _, _, d in g.edges(data=True)} == {kind}
    with pytest.raises(InvalidInput, match="nope"):
        export_network(db_app, "gexf", actor="tester", tie_kinds=["nope"])
    with pytest.raises(InvalidInput, match="choose one of graphml, gexf"):
        export_network(db_app, "csv", actor="tester")


def test_cli_writes_the_file_and_refuses_a_bad_format(
    app: App, cli: Callable[..., Callable[..., Any]], tmp_path: Any
):
    run = cli(app)
    empty = run("network", "export", "--out", str(tmp_path / "none.graphml"))
    assert empty.code == 3 and "no people" in empty.err
    do_build_demo(app, seed=3, people=200)
    out = tmp_path / "net.gexf"
    done = run("network", "export", "--format", "gexf", "--out", str(out))
    assert done.code == 0, done.err
    assert "GEXF" in done.out and out.exists()
    g = nx.read_gexf(out)
    assert g.number_of_nodes() == 200
    assert np.all([d["role"] in ("", "organiser", "mobiliser", "connector", "lone_wolf")
                   for _, d in g.nodes(data=True)])  # fmt: skip
    bad = run("network", "export", "--format", "dot", "--out", str(out))
    assert bad.code == 3 and "graphml, gexf" in bad.err


def test_seeds_come_from_the_picture_exported_not_a_later_read(
    db_app: App, monkeypatch: pytest.MonkeyPatch
):
    import groundswell.actions.network_export as export
    import groundswell.actions.seeds as seeds_action

    do_build_demo(db_app, seed=3, people=300)
    drawn: list[Any] = []
    chosen_on: list[Any] = []

    def picture_then_a_write(db: App, kinds: Any = None) -> Any:
        pic = network_picture(db, kinds)
        drawn.append(pic)
        with db.transaction() as session:  # someone joins while the export is written
            session.add(Person(ref="p-late", display_name="Late", town="Lancaster"))
        return pic

    choose = seeds_action._choose

    def recording(graph: Any, *args: Any, **kw: Any) -> Any:
        chosen_on.append(graph)
        return choose(graph, *args, **kw)

    monkeypatch.setattr(export, "network_picture", picture_then_a_write)
    monkeypatch.setattr(seeds_action, "_choose", recording)
    g = network_graph(db_app)
    assert len(chosen_on) == 1 and chosen_on[0] is drawn[0].graph
    assert g.number_of_nodes() == drawn[0].graph.n
