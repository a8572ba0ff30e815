"""``groundswell roles GRAPH``: lone wolves, mobilisers, organisers and connectors, with reasons."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from groundswell.cli.graph_source import refuse_kinds_for_file
from groundswell.cli.main import app
from groundswell.cli.options import DIRECTED_OPTION, JSON_OPTION, TIE_KIND_OPTION
from groundswell.cli.output import console, print_json
from groundswell.errors import InvalidInput

# Notes go to stderr so that stdout stays one JSON document under --json.
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

if TYPE_CHECKING:
    from groundswell.network.graph import Graph
    from groundswell.roles import Activity, RoleAssignment, Rules
    from groundswell.store.graph import TieKinds


def parse_percentiles(values: list[str]) -> Rules:
    """``--percentile role=Q`` options as ``Rules``."""
    from groundswell.roles import Rules

    given: dict[str, float] = {}
    for item in values:
        role, sep, q = item.partition("=")
        try:
            given[role.strip()] = float(q)
        except ValueError:
            sep = ""
        if not sep:
            raise InvalidInput(f"--percentile {item}: write ROLE=Q, e.g. mobiliser=0.95")
    return Rules().with_percentiles(**given)


def load(
    graph_path: str,
    activity_path: str | None,
    directed: bool,
    tie_kinds: list[str] | None = None,
) -> tuple[Graph, Activity, TieKinds | None]:
    """The graph and its activity: from the store for ``db`` (ties of ``tie_kinds`` only,
    with the statement of which; recruitment, events and pledges always whole), else from
    the files."""
    from groundswell.actions.roles import gather_store_kinds, read_activity_csv
    from groundswell.roles import Activity

    refuse_kinds_for_file(graph_path, tie_kinds)
    used = None
    if graph_path == "db":
        from groundswell.cli.database import build_app

        instance = build_app()
        try:
            graph, activity, used = gather_store_kinds(instance, tie_kinds)
        finally:
            instance.close()
    else:
        from groundswell.network import read_graph

        graph, activity = read_graph(graph_path, directed=directed)[0], Activity.empty()
    if activity_path is not None:
        graph, activity, extra, added = read_activity_csv(activity_path, graph)
        if added:
            who = "1 person" if added == 1 else f"{added:,} people"
            note = f"note: {activity_path}: {who} with no ties in GRAPH added, without ties"
            err_console.print(note, markup=False)
        if extra:
            err_console.print(
                f"note: {activity_path}: columns not read: {', '.join(extra)}", markup=False
            )
    return graph, activity, used


@app.command("roles")
def roles(
    graph_path: str = typer.Argument(..., metavar="GRAPH", help="Edge-list file, or 'db'."),
    activity: str | None = typer.Option(
        None,
        "--activity",
        help="CSV, one row per thing done: person, kind (recruited, led, hosted, attended, "
        "pledge_made, pledge_shared, pledge_done or joined), other (the recruit, or a name "
        "for the action so attendances count as its turnout), at (ISO date).",
    ),
    percentile: list[str] = typer.Option(
        [], "--percentile", help="ROLE=Q: relative threshold of a role (repeatable)."
    ),
    period: str = typer.Option("quarter", "--period", help="month, quarter or year."),
    samples: int = typer.Option(64, "--samples", help="Sources for approximate betweenness."),
    resolution: float = typer.Option(
        1.0, "--resolution", help="Leiden resolution: above 1 finds smaller communities."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (Leiden, betweenness sample)."),
    directed: bool = DIRECTED_OPTION,
    tie_kind: list[str] | None = TIE_KIND_OPTION,
    top: int = typer.Option(30, "--top", help="People shown in the table."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Find lone wolves, mobilisers, organisers and connectors; report movement indicators.

    Each role comes with its reasons in plain words. Thresholds are relative
    (percentiles of the people concerned, changed with --percentile) with
    floors; indicators cover the whole record and each --period.
    """
    from groundswell.roles import assign_roles, gather_evidence
    from groundswell.roles.indicators import movement_indicators

    rules = parse_percentiles(percentile)
    if samples < 1:
        raise InvalidInput(f"--samples must be at least 1, got {samples}")
    if not resolution > 0:
        raise InvalidInput(f"--resolution must be above 0, got {resolution}")
    graph, act, used = load(graph_path, activity, directed, tie_kind)
    started = time.perf_counter()
    evidence = gather_evidence(graph, act, seed=seed, samples=samples, resolution=resolution)
    result = assign_roles(graph, evidence, rules)
    indicators = movement_indicators(graph, act, evidence, period=period)
    doc = as_json(graph, result, indicators, time.perf_counter() - started)
    if used is not None:  # GRAPH db: which kinds of tie the network was read from
        doc["tie_kinds"] = used.as_json()
    if json_out:
        print_json(doc)
    else:
        _print(doc, top)


def as_json(
    graph: Graph, result: RoleAssignment, indicators: dict[str, Any], seconds: float
) -> dict[str, Any]:
    """The ``roles --json`` document (docs/reference/json.md): people, scores, thresholds."""
    from groundswell.roles import ROLE_NAMES

    labels = graph.labels
    people = []
    for i in result.people().tolist():
        roles = result.roles_of(i)
        people.append(
            {
                "label": labels[i].item(),
                "roles": roles,
                "reasons": result.reasons(i),
                "scores": {r: round(float(result.scores[r][i]), 4) for r in roles},
            }
        )
    return {
        "n": graph.n,
        "m": graph.m,
        "communities": result.evidence.bridges.n_communities,
        "counts": {r: int(result.holds[r].sum()) for r in ROLE_NAMES},
        "thresholds": result.thresholds,
        "people": people,
        "indicators": indicators,
        "seconds": round(seconds, 3),
    }


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return f"{value:,}"


def _print(doc: dict[str, Any], top: int) -> None:
    names = {"lone_wolf": "lone wolves", "mobiliser": "mobilisers"}
    names |= {"organiser": "organisers", "connector": "connectors"}
    counts = ", ".join(f"{names[k]} {v:,}" for k, v in doc["counts"].items())
    console.print(
        f"{doc['n']:,} people, {doc['m']:,} ties, {doc['communities']:,} communities: {counts}"
    )
    if doc.get("tie_kinds"):
        console.print(doc["tie_kinds"]["statement"], markup=False)
    table = Table(title="People with a role", show_lines=False)
    for col in ("person", "roles", "why"):
        table.add_column(col, overflow="fold")
    for person in doc["people"][:top]:
        why = "\n".join(person["reasons"])
        table.add_row(str(person["label"]), ", ".join(person["roles"]), why)
    console.print(table)
    ind = Table(title="Movement indicators")
    ind.add_column("indicator")
    ind.add_column("whole record", justify="right")
    periods = next(iter(doc["indicators"].values()))["over_time"][-4:]
    for p in periods:
        ind.add_column(p["period"], justify="right")
    for name, item in doc["indicators"].items():
        recent = [_fmt(x["value"]) for x in item["over_time"][-4:]]
        ind.add_row(name.replace("_", " "), _fmt(item["value"]), *recent)
    console.print(ind)
