"""``groundswell spread GRAPH``: Monte Carlo reach of a spread model from chosen seeds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import typer
from rich.console import Console
from rich.table import Table

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
from groundswell.errors import InvalidInput

if TYPE_CHECKING:
    import numpy as np

    from groundswell.compute.base import Executor
    from groundswell.network.graph import Graph
    from groundswell.spread import Model, SpreadResult
    from groundswell.spread.models import Kind
    from groundswell.store.graph import TieKinds

err_console = Console(stderr=True, highlight=False)


def choose_seeds(
    graph: Graph,
    labels: str | None,
    random_k: int | None,
    top_degree: int | None,
    seed: int,
    role: str | None = None,
    graph_path: str = "",
    activity: str | None = None,
    directed: bool = False,
    tie_kinds: list[str] | None = None,
) -> np.ndarray:
    """Seed ids from exactly one of labels, a role, a random draw or the top degrees."""
    from groundswell.spread import random_seeds, seeds_from_labels, top_degree_seeds

    given = [x is not None for x in (labels, random_k, top_degree, role)]
    if sum(given) != 1:
        raise InvalidInput(
            "give exactly one way to choose seeds: --seeds L1,L2,..., --role ROLE, "
            "--random-seeds K or --top-degree K"
        )
    if role is not None:
        return role_seeds(graph, role, graph_path, activity, directed, seed, tie_kinds)
    if activity is not None:
        raise InvalidInput("--activity is only used with --role")
    if labels is not None:
        return seeds_from_labels(graph, [x.strip() for x in labels.split(",") if x.strip()])
    if random_k is not None:
        return random_seeds(graph, random_k, seed)
    assert top_degree is not None  # exactly one way was given, and it is this one
    return top_degree_seeds(graph, top_degree)


def role_seeds(
    graph: Graph,
    role: str,
    graph_path: str,
    activity: str | None,
    directed: bool,
    seed: int,
    tie_kinds: list[str] | None = None,
) -> np.ndarray:
    """Everyone the roles engine finds in ``role`` (from the store's activity for ``db``),
    on the same kinds of tie as the spread."""
    from groundswell.cli.roles import load
    from groundswell.roles import ROLE_NAMES, assign_roles, gather_evidence

    if role not in ROLE_NAMES:
        raise InvalidInput(f"--role {role!r}: use one of {', '.join(ROLE_NAMES)}")
    role_graph, act, _ = load(graph_path, activity, directed, tie_kinds)
    found = assign_roles(role_graph, gather_evidence(role_graph, act, seed=seed))
    holders = [str(x) for x in role_graph.labels[found.holds[role]].tolist()]
    known = [x for x in holders if x in set(map(str, graph.labels.tolist()))]
    if not known:
        raise InvalidInput(
            f"--role {role}: nobody holds that role here; the roles need activity "
            "(GRAPH db, or --activity CSV)"
        )
    return graph.ids_of(known)


@app.command("spread")
def spread(
    graph_path: str = typer.Argument(..., metavar="GRAPH", help="Edge-list file, or 'db'."),
    model: str = MODEL_OPTION,
    p: float | None = P_OPTION,
    seeds: str | None = typer.Option(None, "--seeds", help="Seed labels, comma-separated."),
    random_seeds: int | None = typer.Option(None, "--random-seeds", help="K random seeds."),
    top_degree: int | None = typer.Option(None, "--top-degree", help="K best-connected seeds."),
    role: str | None = typer.Option(
        None, "--role", help="Seed everyone in a role: lone_wolf, mobiliser, organiser, connector."
    ),
    activity: str | None = typer.Option(
        None, "--activity", help="With --role and a graph file: the activity CSV of `roles`."
    ),
    runs: int = typer.Option(1000, "--runs", help="Monte Carlo runs (the most, with --tolerance)."),
    seed: int = SEED_OPTION,
    directed: bool = DIRECTED_OPTION,
    tie_kind: list[str] | None = TIE_KIND_OPTION,
    threshold: int | None = THRESHOLD_OPTION,
    fraction: float | None = FRACTION_OPTION,
    recovery: float | None = RECOVERY_OPTION,
    never_adopt: float = typer.Option(0.0, "--never-adopt", help="Share who never adopt."),
    max_steps: int | None = MAX_STEPS_OPTION,
    tolerance: float | None = typer.Option(
        None, "--tolerance", help="Stop when the 95% CI half-width <= T x mean reach."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address; default: this computer."
    ),
    plot: Path | None = typer.Option(None, "--plot", help="Write the curve to FILE.png or .html."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Simulate how far adoption spreads from the seeds, with a 95% confidence interval."""
    from groundswell.compute import executor_for
    from groundswell.settings import load_settings
    from groundswell.spread import Model

    if plot is not None and plot.suffix.lower() not in (".png", ".html"):
        raise InvalidInput(f"--plot {plot}: use a file ending in .png or .html")
    spread_model = Model(
        cast("Kind", model),  # Model checks the kind and names the choices
        p=p,
        threshold=threshold,
        fraction=fraction,
        recovery=recovery,
        never_adopt=never_adopt,
        max_steps=max_steps,
    )
    graph, used = load_graph_kinds(
        graph_path, directed=directed, weighted=model == "lt", tie_kinds=tie_kind
    )
    seed_ids = choose_seeds(
        graph, seeds, random_seeds, top_degree, seed, role, graph_path, activity, directed,
        tie_kind,
    )  # fmt: skip
    executor = executor_for(scheduler or load_settings())
    try:
        result = _run(graph, spread_model, seed_ids, runs, seed, tolerance, executor)
    finally:
        executor.close()
    doc = as_json(graph, result, used)
    if plot is not None:
        write_plot(plot, result, doc)
    if json_out:
        print_json(doc)
    else:
        _print_table(doc)


def _run(
    graph: Graph,
    model: Model,
    seed_ids: np.ndarray,
    runs: int,
    seed: int,
    tolerance: float | None,
    executor: Executor,
) -> SpreadResult:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from groundswell.spread import simulate

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    with progress:
        task = progress.add_task("runs", total=runs)
        return simulate(
            graph,
            model,
            seed_ids,
            runs=runs,
            seed=seed,
            executor=executor,
            tolerance=tolerance,
            progress=lambda done, total: progress.update(task, completed=done),
        )


def as_json(graph: Graph, result: SpreadResult, used: TieKinds | None = None) -> dict[str, object]:
    """The ``spread --json`` document (docs/reference/json.md) with the reach curve, and
    for GRAPH db which kinds of tie it read (``tie_kinds``)."""
    doc = result.to_dict()
    out: dict[str, object] = {
        "n": graph.n,
        "m": graph.m,
        "runs": result.runs,
        "reach_mean": doc["reach_mean"],
        "reach_ci95": doc["reach_ci95"],
        "seeds": graph.labels[result.seeds].tolist(),
        "reach_se": doc["reach_se"],
        "reach_share": doc["reach_share"],
        "model": result.model.describe() if result.model else None,
        "stopped_early": result.stopped_early,
        "curve_mean": doc["curve_mean"],
        "curve_lo": doc["curve_lo"],
        "curve_hi": doc["curve_hi"],
    }
    if used is not None:
        out["tie_kinds"] = used.as_json()
    return out


def _summary(doc: dict[str, Any]) -> str:
    lo, hi = doc["reach_ci95"]
    ci = "" if lo is None else f" (95% CI {lo:,.1f}-{hi:,.1f})"
    return (
        f"{len(doc['seeds'])} seeds reach {doc['reach_mean']:,.1f} of {doc['n']:,} people "
        f"on average{ci} under {doc['model']}, over {doc['runs']:,} runs."
    )


def write_plot(path: Path, result: SpreadResult, doc: dict[str, Any]) -> None:
    """The adoption curve as a PNG (matplotlib, Agg) or a self-contained HTML page."""
    title = f"Adoption curve: {doc['model']}"
    try:
        if path.suffix.lower() == ".html":
            from groundswell.spread.chart import curve_html

            path.write_text(curve_html(result, title=title, summary=_summary(doc)))
            return
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        steps = range(len(result.curve_mean))
        fig, ax = plt.subplots(figsize=(7, 3.6), dpi=120)
        ax.fill_between(steps, result.curve_lo, result.curve_hi, alpha=0.2, label="5-95% of runs")
        ax.plot(steps, result.curve_mean, linewidth=2, label="mean")
        ax.set(xlabel="step", ylabel="people who adopted", title=title)
        ax.legend(loc="lower right")
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
    except OSError as exc:
        raise InvalidInput(f"--plot {path}: cannot write ({exc.strerror})") from None


def _print_table(doc: dict[str, Any]) -> None:
    table = Table(title="Spread", show_header=False, box=None)
    lo, hi = doc["reach_ci95"]
    shown = ", ".join(map(str, doc["seeds"][:10])) + (" ..." if len(doc["seeds"]) > 10 else "")
    rows = [
        ("model", doc["model"]),
        ("people, ties", f"{doc['n']:,}, {doc['m']:,}"),
        ("seeds", shown),
        ("runs", f"{doc['runs']:,}" + (" (stopped at tolerance)" if doc["stopped_early"] else "")),
        ("mean reach", f"{doc['reach_mean']:,.1f} ({doc['reach_share']:.1%})"),
        ("standard error", "-" if doc["reach_se"] is None else f"{doc['reach_se']:,.2f}"),
        ("95% CI", "-" if lo is None else f"{lo:,.1f} - {hi:,.1f}"),
        ("steps", str(len(doc["curve_mean"]) - 1)),
    ]
    if doc.get("tie_kinds"):
        rows.append(("ties read", doc["tie_kinds"]["statement"]))
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
