"""Answer "find the 3%" on the movement's own people and ties, for a page or a download.

The choice, its check and the baselines come from :mod:`groundswell.seeds`;
here we read the people (towns, consent, who the asker may see), bound the
work so a page answers in seconds, and put the answer in plain words. Under
one-step models (``direct``) the reach is counted exactly and the page says
so; otherwise the sampling settings travel with the answer, for the page's
"How this was worked out".

Naming people is a read of personal data: every answer that names someone
and every "who to ask" download leaves one audit row.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from groundswell.actions import Database
from groundswell.actions.audit import do_record_access
from groundswell.actions.outfiles import csv_cell
from groundswell.actions.scopes import person_in_scope
from groundswell.auth.permissions import Action, Principal, scopes_for
from groundswell.csvsafe import writer
from groundswell.errors import InvalidInput

if TYPE_CHECKING:  # imported where used: numba and the seed engines load slowly
    from groundswell.network.graph import Graph
    from groundswell.seeds import Constraints
    from groundswell.store.graph import TieKinds

RULE_SHARE, RULE_REACH = 0.03, 0.90  # "3% of people reach 90%"
EPSILON = 0.2  # best k: (1 - 1/e - 0.2) guarantee, a fraction of the sets 0.1 needs
CONFIDENCE = 0.99
BASE_ERROR = 0.02  # target mode: each share within +-2 points at 99%...
MEMBER_BUDGET = 8_000_000  # ...unless that needs more RR set members than this
MC_RUNS = 100
# Time limits for the proven lower bound on a page: the integer program (small
# networks), then the LP; past them the Lagrangian dual (a fraction of a second) stands
# in and the page says its bound is the quick one. The command line allows
# 10 s and 120 s (seeds.exact). On the 20,000-person demo the LP needs ~8 s idle.
BOUND_SECONDS = 1.5
LP_SECONDS = 1.5
# HiGHS checks its time limit only now and then: on the demo (20,000 people)
# under load, an LP given 1.5 s ran 91 s. Above this many people the page goes
# straight to the quick bound rather than trust the limit.
LP_MAX_PEOPLE = 5_000
MAX_K = 5_000
PAGE_SIZE = 50
# Selection and simulation use every core; one at a time keeps the server
# responsive and avoids concurrent launches of numba's parallel kernels.
_ONE_AT_A_TIME = threading.Lock()
BASELINE_NAMES = {
    "highest-degree": "Most ties",
    "degree-discount": "Most ties, discounting neighbours of those chosen",
    "pagerank": "PageRank",
    "k-core": "Deepest k-core",
    "random": "At random",
}
# The last column says on every row which kinds of tie the choice was made on.
CSV_COLUMNS = ("order", "id", "name", "town", "ties", "tie_kinds")
TIE_KINDS_LABEL = "Kind of tie"


@dataclass(frozen=True)
class SeedsQuestion:
    """What the organiser asked: a model, and a target share or a number of people."""

    model: Any
    mode: str  # "target" or "k"
    target: float | None
    k: int | None
    consented: bool
    seed: int
    # The kinds of tie read (None: every kind), checked against those in the store.
    tie_kinds: tuple[str, ...] | None = None


@dataclass(frozen=True)
class _People:
    refs: list[str]
    names: list[str | None]
    towns: list[str | None]
    consent: np.ndarray
    visible: np.ndarray


def _people(gs: Database, n: int, principal: Principal | None) -> _People:
    """Ids, names, towns, contact consent and who ``principal`` may see, in node order."""
    from sqlalchemy import select

    from groundswell.store.models.people import Person

    seen = person_in_scope(scopes_for(principal, Action.VIEW_PEOPLE), Person.id)
    with gs.reading() as session:
        rows = session.execute(
            select(Person.ref, Person.display_name, Person.town, Person.consent_contact, seen)
            .order_by(Person.id)
        ).all()  # fmt: skip
    if len(rows) != n:  # someone was added between the two reads
        raise InvalidInput("the people changed while reading them; try again")
    return _People(
        refs=[r[0] for r in rows],
        names=[r[1] for r in rows],
        towns=[r[2] for r in rows],
        consent=np.array([bool(r[3]) for r in rows], dtype=np.bool_),
        visible=np.array([bool(r[4]) for r in rows], dtype=np.bool_),
    )


def _choose(graph: Any, question: SeedsQuestion, constraints: Any) -> tuple[Any, Any, Any, str]:
    """(selection, report, curve, how it was worked out) under the page's work bounds."""
    from groundswell.seeds import best_k, check_selection, deterministic, fewest_seeds
    from groundswell.seeds.exact import exact_p, prefix_reach
    from groundswell.seeds.sampling import independent_prefix_coverage, rr_spec, stream_key
    from groundswell.seeds.target import error_for_budget, hoeffding_sets

    model, seed, n = question.model, question.seed, graph.n
    p = exact_p(model)
    if question.target is not None:
        error = BASE_ERROR
        if p is None:
            error = error_for_budget(graph, model, MEMBER_BUDGET, CONFIDENCE, BASE_ERROR)
        selection = fewest_seeds(
            graph, model, question.target, seed=seed, constraints=constraints, error=error,
            confidence=CONFIDENCE, max_members=2 * MEMBER_BUDGET,  # one doubling at most
            bound_seconds=BOUND_SECONDS, lp_seconds=LP_SECONDS if n <= LP_MAX_PEOPLE else 0.0,
        )  # fmt: skip
        assert selection.curve is not None  # fewest_seeds always returns its curve
        curve = selection.curve
        how = (
            "lazy greedy on the exact reach, then dropping people not needed and swaps"
            if p is not None
            else "lazy greedy on the exact reach"
            if selection.verified is not None  # a deterministic rule (seeds.deterministic)
            else f"greedy on reverse-reachable sets; each share within +-{error:.0%} "
            f"with probability {CONFIDENCE:.0%} (Hoeffding)"
        )
    else:
        selection = best_k(
            graph, model, question.k or 1, epsilon=EPSILON, seed=seed, constraints=constraints
        )
        if p is not None:
            curve = prefix_reach(graph, p, selection.seeds) / n
            how = "lazy greedy on the exact reach, then swaps"
        elif selection.verified is not None:  # a deterministic rule (seeds.deterministic)
            curve = deterministic.prefix_count(graph, model, selection.seeds) / n
            how = "lazy greedy on the exact reach"
        else:
            sets = hoeffding_sets(BASE_ERROR, CONFIDENCE)
            counts = independent_prefix_coverage(
                rr_spec(graph, model), stream_key(seed), sets, selection.seeds
            )
            curve = counts / sets
            how = f"OPIM-C with epsilon {EPSILON:g}; curve from {sets:,} fresh RR sets"
    counted = selection.verified is not None
    if counted:
        how = f"reach counted exactly for every person (no sampling); {how}"
    report = check_selection(
        graph, model, selection, runs=MC_RUNS, seed=seed, baselines=True,
        constraints=constraints,
    )  # fmt: skip
    if report.selection.method.startswith("baseline "):  # a simple choice did better
        if p is not None:
            curve = prefix_reach(graph, p, report.selection.seeds) / n
        elif counted:
            curve = deterministic.prefix_count(graph, model, report.selection.seeds) / n
        else:
            curve = np.concatenate([curve[:1], np.full(len(report.selection.seeds), np.nan)])
            curve[-1] = report.check.reach_mean / n
            curve = _fill(curve)
    return report.selection, report, curve, how


def bound_in_words(method: str | None) -> str | None:
    """How the lower bound was proven, in words for an organiser (``Bound.method``)."""
    if method is None:
        return None
    if method.startswith("integer program (HiGHS)"):
        return "proven by solving the whole problem exactly"
    if method.startswith("integer program's bound"):
        return "proven by an exact search that stopped at its time limit"
    if method.startswith("integer program with each reach"):
        return "proven by an exact search that counts each chance of being reached generously"
    if method.startswith("Lagrangian"):
        return (
            "a quick proof, as the full one takes too long for a page: the command "
            "'groundswell seeds' works out a tighter one"
        )
    return "proven by a calculation that lets fractions of people be chosen (an LP)"


def _fill(curve: np.ndarray) -> np.ndarray:
    """Join the known ends of a curve with a straight line (unknown points between)."""
    known = np.nonzero(~np.isnan(curve))[0]
    filled: np.ndarray = np.interp(np.arange(curve.size), known, curve[known])
    return filled


def _graph_and_people(
    gs: Database, question: SeedsQuestion, principal: Principal | None
) -> tuple[Graph, _People, Constraints, TieKinds]:
    from groundswell.seeds import Constraints
    from groundswell.store.graph import read_chosen_ties

    graph, _, used = read_chosen_ties(
        gs, question.tie_kinds, weighted=question.model.kind == "lt", label=TIE_KINDS_LABEL
    )
    if graph.n == 0:
        raise InvalidInput("there are no people in the database yet; import people and ties")
    people = _people(gs, graph.n, principal)
    if question.consented and not people.consent.any():
        raise InvalidInput("nobody has agreed to be contacted yet; untick 'consented only'")
    if question.k is not None and not 1 <= question.k <= min(MAX_K, graph.n):
        raise InvalidInput(f"How many people: choose between 1 and {min(MAX_K, graph.n):,}")
    consented = np.nonzero(people.consent)[0] if question.consented else None
    return graph, people, Constraints(consented=consented), used


def answer_seeds_question(
    gs: Database, question: SeedsQuestion, principal: Principal | None, page: int = 1
) -> dict[str, Any]:
    """The page's answer: the chosen people (one page of them), reach, curve and baselines."""
    graph, people, constraints, used = _graph_and_people(gs, question, principal)
    with _ONE_AT_A_TIME:
        selection, report, curve, how = _choose(graph, question, constraints)
    n, chosen, target = graph.n, selection.seeds, question.target
    at_rule = math.ceil(RULE_SHARE * n)
    rule_reach = float(curve[at_rule]) if at_rule < len(curve) else None
    reached = report.reached
    if target is not None and target >= RULE_REACH and reached and len(chosen) <= at_rule:
        holds: bool | None = True
    elif rule_reach is not None:
        holds = rule_reach >= RULE_REACH
    elif target is not None:
        holds = False  # even all the seeds found stop short of 3%... and of the target
    else:
        holds = None  # best k below 3% of people: the curve stops before 3%
    listed = [int(i) for i in chosen if people.visible[i]]
    pages = max(1, math.ceil(len(listed) / PAGE_SIZE))
    page = min(max(1, page), pages)
    degree = graph.out_degree()
    shown = [
        {
            "order": int(np.nonzero(chosen == i)[0][0]) + 1,
            "label": people.refs[i],
            "name": people.names[i] or "",
            "town": people.towns[i] or "",
            "degree": int(degree[i]),
        }
        for i in listed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    if shown and principal is not None:  # named to a signed-in organiser: audited
        do_record_access(gs, principal.email, "network.seeds", None, None, {"people": len(shown)})
    exact = selection.verified is not None
    return {
        "model": question.model,
        "mode": question.mode,
        "n": n,
        "seeds_count": len(chosen),
        "seed_share": len(chosen) / n,
        "target": target,
        "reached": reached,
        "capped": any("max_members" in note for note in selection.notes),
        "exact": exact,
        "reach": report.check.reach_mean,
        "reach_share": report.check.reach_mean / n,
        "reach_ci": report.check.reach_ci95,
        "verified_share": report.verified_share,
        "lower_bound_method": selection.lower_bound_method,
        "lower_bound": selection.lower_bound,
        "lower_bound_how": bound_in_words(selection.lower_bound_method),
        "optimal": selection.optimal,
        "replaced_by": (
            BASELINE_NAMES.get(selection.method.removeprefix("baseline "))
            if selection.method.startswith("baseline ")
            else None
        ),
        "holds": holds,
        "rule_reach": rule_reach,
        "rule_people": at_rule,
        "curve": curve,
        "people": shown,
        "page": page,
        "pages": pages,
        "listed": len(listed),
        "hidden": len(chosen) - len(listed),
        "baselines": [
            {
                "name": BASELINE_NAMES.get(name, name),
                "reach": check.reach_mean,
                "ci": check.reach_ci95,
                "seeds": len(ids),
            }
            for name, (ids, check) in report.baselines.items()
        ],
        "how": [how, *selection.notes, f"guarantee: {selection.guarantee}"],
        "mc_runs": 0 if exact else MC_RUNS,
        "consented": question.consented,
        "seconds": selection.seconds,
        "tie_kinds": used,
    }


def who_to_ask_csv(
    gs: Database, question: SeedsQuestion, principal: Principal | None
) -> tuple[str, int]:
    """ "Who to ask" as CSV (the people ``principal`` may see, most useful first), and
    how many are left out as out of their sight. One audit row when anyone is named."""
    graph, people, constraints, used = _graph_and_people(gs, question, principal)
    with _ONE_AT_A_TIME:
        selection = _choose(graph, question, constraints)[0]
    degree = graph.out_degree()
    out = io.StringIO()
    csv_out = writer(out)
    csv_out.writerow(CSV_COLUMNS)
    named = 0
    for order, i in enumerate(selection.seeds.tolist(), start=1):
        if not people.visible[i]:
            continue
        row = (order, people.refs[i], people.names[i], people.towns[i], int(degree[i]),
               used.statement())  # fmt: skip
        csv_out.writerow([csv_cell(value) for value in row])
        named += 1
    if named and principal is not None:
        do_record_access(gs, principal.email, "network.seeds.csv", None, None, {"people": named})
    return out.getvalue(), len(selection.seeds) - named
