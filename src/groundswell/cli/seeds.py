"""``groundswell seeds GRAPH (--target 0.9 | --k K)``: the fewest or best seeds, checked."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import typer

from groundswell.cli.graph_source import load_graph_kinds
from groundswell.cli.main import app
from groundswell.cli.options import (
    DIRECTED_OPTION,
    FRACTION_OPTION,
    JSON_OPTION,
    MAX_STEPS_OPTION,
    MODEL_OPTION,
    P_OPTION,
    RECOVERY_OPTION,
    SEED_OPTION,
    THRESHOLD_OPTION,
    TIE_KIND_OPTION,
)
from groundswell.cli.output import console, print_json
from groundswell.errors import InputFileError, InvalidInput
from groundswell.network.graph import Graph

if TYPE_CHECKING:  # imported where used: the engines load slowly
    from groundswell.compute.base import Executor
    from groundswell.seeds import Constraints
    from groundswell.seeds.report import Report
    from groundswell.spread import Model
    from groundswell.spread.models import Kind


def _labels(value: str | None) -> list[str] | None:
    """Comma-separated labels, or a file with one label per line."""
    if value is None:
        return None
    path = Path(value)
    if path.is_file():
        return [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return [x.strip() for x in value.split(",") if x.strip()]


def _costs(graph: Graph, path: str | None) -> np.ndarray | None:
    if path is None:
        return None
    cost = np.ones(graph.n, dtype=np.float64)
    try:
        with open(path, newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputFileError(path, f"cannot read ({exc.strerror})") from None
    if not rows or not {"id", "cost"} <= set(rows[0]):
        raise InputFileError(path, "needs columns 'id' and 'cost'", line=1)
    for line, row in enumerate(rows, start=2):
        try:
            cost[graph.ids_of([row["id"]])[0]] = float(row["cost"])
        except ValueError:
            raise InputFileError(
                path, f"'{row['cost']}' is not a number", line=line, field="cost"
            ) from None
    return cost


@app.command("seeds")
def seeds(
    graph_path: str = typer.Argument(..., metavar="GRAPH", help="Edge-list file, or 'db'."),
    model: str = MODEL_OPTION,
    p: float | None = P_OPTION,
    threshold: int | None = THRESHOLD_OPTION,
    fraction: float | None = FRACTION_OPTION,
    recovery: float | None = RECOVERY_OPTION,
    max_steps: int | None = MAX_STEPS_OPTION,
    target: float | None = typer.Option(None, "--target", help="Share to reach, e.g. 0.9."),
    k: int | None = typer.Option(None, "--k", help="Number of new seeds to choose."),
    method: str = typer.Option("opim-c", "--method", help="opim-c or imm (with --k)."),
    epsilon: float = typer.Option(0.1, "--epsilon", help="Approximation slack (with --k)."),
    error: float = typer.Option(0.01, "--error", help="Share error of the estimate (--target)."),
    consented: str | None = typer.Option(None, "--consented", help="Only these may be asked."),
    exclude: str | None = typer.Option(None, "--exclude", help="Never choose these."),
    active: str | None = typer.Option(None, "--active", help="Already active: always seeds."),
    cost: str | None = typer.Option(None, "--cost", help="CSV with id,cost per person."),
    budget: float | None = typer.Option(None, "--budget", help="Total cost allowed (--k)."),
    runs: int = typer.Option(1000, "--runs", help="Monte Carlo runs for the check."),
    baselines: bool = typer.Option(False, "--baselines", help="Also check simple choices."),
    directed: bool = DIRECTED_OPTION,
    tie_kind: list[str] | None = TIE_KIND_OPTION,
    seed: int = SEED_OPTION,
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address; default: this computer."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Find the fewest people who reach --target of everyone, or the best --k people.

    The reach printed is an independent Monte Carlo check of the returned seeds
    (counted exactly under one-step models such as direct). With --scheduler
    (or GROUNDSWELL_SCHEDULER) the sampling and the check run on a Dask
    cluster; the same --seed gives the same seeds either way.
    """
    from groundswell.seeds import Constraints
    from groundswell.spread import Model

    if (target is None) == (k is None):
        raise InvalidInput("give exactly one of --target SHARE or --k COUNT")
    graph, used = load_graph_kinds(graph_path, directed=directed, tie_kinds=tie_kind)
    spread_model = Model(
        cast("Kind", model),  # Model checks the kind and names the choices
        p=p,
        threshold=threshold,
        fraction=fraction,
        recovery=recovery,
        max_steps=max_steps,
    )
    ids = {
        name: (None if v is None else graph.ids_of(v))
        for name, v in (
            ("consented", _labels(consented)),
            ("excluded", _labels(exclude)),
            ("must_include", _labels(active)),
        )
    }
    constraints = Constraints(cost=_costs(graph, cost), budget=budget, **ids)
    executor = _executor(scheduler)
    try:
        report = _choose(graph, spread_model, constraints, target, k, method, epsilon, error,
                         seed, runs, baselines, executor)  # fmt: skip
    finally:
        if executor is not None:
            executor.close()
    doc = report.as_json(graph.labels)
    if used is not None:  # GRAPH db: which kinds of tie, read which way
        doc["tie_kinds"] = used.as_json()
    if json_out:
        print_json(doc)
        return
    _print(doc)


def _executor(scheduler: str | None) -> Executor | None:
    """A Dask executor when a scheduler is named (option or GROUNDSWELL_SCHEDULER), else
    None: in-process threads, which start faster than a local executor's pool."""
    from groundswell.compute import executor_for
    from groundswell.settings import load_settings

    settings = load_settings() if scheduler is None else None
    address = scheduler or getattr(settings, "scheduler", None)
    return executor_for(address) if address else None


def _choose(
    graph: Graph,
    model: Model,
    constraints: Constraints,
    target: float | None,
    k: int | None,
    method: str,
    epsilon: float,
    error: float,
    seed: int,
    runs: int,
    baselines: bool,
    executor: Executor | None,
) -> Report:
    from groundswell.seeds import best_k, check_selection, fewest_seeds
    from groundswell.seeds.complex import complex_seeds

    if model.kind in ("complex", "sir"):
        selection = complex_seeds(
            graph, model, k=k, target=target, seed=seed, constraints=constraints
        )
    elif k is not None:
        selection = best_k(
            graph, model, k, method=method, epsilon=epsilon, seed=seed,
            constraints=constraints, executor=executor,
        )  # fmt: skip
    else:
        selection = fewest_seeds(
            graph, model, target or 0.9, seed=seed, constraints=constraints, error=error,
            executor=executor,
        )  # fmt: skip
    return check_selection(
        graph, model, selection, runs=runs, seed=seed, baselines=baselines,
        constraints=constraints, executor=executor,
    )  # fmt: skip


def _people(count: float) -> str:
    # A count is whole; an expected count (p < 1) keeps one decimal.
    return f"{count:.0f}" if float(count).is_integer() else f"{count:.1f}"


def _print(doc: dict[str, Any]) -> None:
    lo, hi = doc["reach_ci95"]
    n = doc["n"]
    spread = (
        "counted exactly"  # one-step models: no sampling, no interval
        if doc["mc_runs"] == 0
        else f"95% CI {lo:.0f}-{hi:.0f}"
    )
    console.print(
        f"{len(doc['seeds'])} seeds ({doc['seed_share']:.1%} of {n}) reach "
        f"{_people(doc['reach_mean'])} people ({doc['reach_mean'] / n:.1%}; {spread}) "
        f"under {doc['model']}, method {doc['method']}.",
        markup=False,
    )
    if doc.get("target") is not None:
        # Only a verified figure (exact count or Monte Carlo lower bound) says "reached".
        share, people = doc["verified_share"], len(doc["seeds"])
        verdict = (
            "reached"
            if doc["reached"]
            else f"not reached: best {share:.1%} with {people} people ({people / n:.1%})"
        )
        console.print(f"Target {doc['target']:.0%}: {verdict}.", markup=False)
        if doc.get("lower_bound") is not None:
            how = " (the fewest possible)" if doc.get("optimal") else ""
            console.print(
                f"At least {doc['lower_bound']} people are needed by any choice; "
                f"this choice uses {people}{how}.",
                markup=False,
            )
            if doc.get("lower_bound_method"):
                console.print(f"  proven by: {doc['lower_bound_method']}", markup=False)
    for note in doc["notes"]:
        console.print(f"  {note}", markup=False)
    if doc.get("tie_kinds"):
        console.print(f"  {doc['tie_kinds']['statement']}", markup=False)
    if doc.get("guarantee"):
        console.print(f"  guarantee: {doc['guarantee']}", markup=False)
    for name, row in doc.get("baselines", {}).items():
        console.print(
            f"  baseline {name}: reach {row['reach_mean']:.0f} ({row['reach_mean'] / n:.1%})",
            markup=False,
        )
    shown = ", ".join(map(str, doc["seeds"][:20]))
    more = f" ... (+{len(doc['seeds']) - 20})" if len(doc["seeds"]) > 20 else ""
    console.print(f"Seeds: {shown}{more}", markup=False)
