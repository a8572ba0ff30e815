"""``GET /api/v1/seeds``: the "find the 3%" answer as JSON, on the people and ties in the database.

The same question, the same work bounds and the same rule as the page and
``groundswell seeds``: ``reached`` is true only on a verified figure (an
exact count, or the lower end of the independent Monte Carlo check's 95%
interval), never on the choosing sample's own estimate. The people chosen are
named only to those allowed to see them, one page at a time, and each
answer that names anyone leaves an audit row.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from groundswell.actions.seeds import MAX_K, SeedsQuestion, answer_seeds_question
from groundswell.errors import InvalidInput
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import heavy_page
from groundswell.web.schemas import ErrorDetail
from groundswell.web.tie_kind_choice import checked_kinds

router = APIRouter(tags=["network"])


class SeedPerson(BaseModel):
    order: int = Field(description="1 = the most useful person to ask first")
    id: str
    name: str
    town: str
    ties: int


class SeedBaseline(BaseModel):
    name: str
    reach: float = Field(description="people reached, checked the same way as the choice")
    seeds: int


class TieKindsUsed(BaseModel):
    used: dict[str, int] = Field(description="each kind of tie read, and its tie rows")
    directed: bool = Field(description="ties read one way, as nominated (else both ways)")
    statement: str = Field(
        description="in words, e.g. 'tie kinds: knows (12); each tie read both ways'"
    )


class SeedsAnswer(BaseModel):
    """Who to ask, how far they reach, and what is proven about it."""

    n: int = Field(description="people in the network")
    model: str
    seeds_count: int
    seed_share: float
    target: float | None = Field(description="share to reach (a fewest-people question)")
    reached: bool | None = Field(
        description="true only when the verified reach is at or above the target"
    )
    verified_share: float = Field(
        description="share reached: an exact count where the model allows, else the "
        "independent Monte Carlo check's mean"
    )
    verified_by: str = Field(description="'exact count' or the Monte Carlo check's size")
    reach: float
    reach_ci95: tuple[float, float]
    lower_bound: int | None = Field(
        description="proven fewest people any choice reaching the target needs"
    )
    lower_bound_method: str | None
    optimal: bool = Field(description="proven to use the fewest people possible")
    replaced_by: str | None = Field(
        description="a simple choice that reached more with as many people, returned instead"
    )
    three_percent_holds: bool | None = Field(description="do 3% of people reach 90% here?")
    baselines: list[SeedBaseline]
    people: list[SeedPerson] = Field(description="this page of the chosen people you may see")
    page: int
    pages: int
    hidden: int = Field(description="chosen people not shown: outside what you may see")
    notes: list[str]
    tie_kinds: TieKindsUsed = Field(description="which kinds of tie the answer read, and how")


@router.get(
    "/seeds",
    response_model=SeedsAnswer,
    summary="Find the 3%: the fewest people for a target share, or the best k",
    dependencies=[heavy_page()],
    responses={
        422: {"model": ErrorDetail, "description": "a question that cannot be answered"},
        503: {"model": ErrorDetail, "description": "busy, or the database is unavailable"},
    },
)
def seeds(
    request: Request,
    gs: GsApp,
    model: Literal["direct", "ic", "wc", "lt"] = "direct",
    p: Annotated[float | None, Query(ge=0, le=1, description="tie probability")] = None,
    target: Annotated[float | None, Query(gt=0, le=1, description="share, e.g. 0.9")] = None,
    k: Annotated[int | None, Query(ge=1, le=MAX_K, description="people to choose")] = None,
    consented: Annotated[bool, Query(description="only people who agreed to contact")] = False,
    seed: Annotated[int, Query(ge=0, description="same seed, same answer")] = 0,
    page: Annotated[int, Query(ge=1)] = 1,
    tie_kind: Annotated[
        list[str] | None,
        Query(description="read only ties of this kind (repeatable; default every kind)"),
    ] = None,
) -> dict[str, Any]:
    """Give ``target`` (fewest people) or ``k`` (best k people), not both; with
    neither, the fewest people reaching 90%. ``tie_kind`` must name kinds of tie
    the database holds."""
    from groundswell.spread import Model

    if target is not None and k is not None:
        raise InvalidInput("give target or k, not both")
    if model == "direct" and p is None:
        p = 1.0
    if model == "ic" and p is None:
        raise InvalidInput("the ic model needs p, e.g. p=0.1")
    if model in ("wc", "lt") and p is not None:
        raise InvalidInput(f"p does not apply to the {model} model; leave it out")
    if target is None and k is None:
        target = 0.9
    mode = "target" if target is not None else "k"
    kinds = checked_kinds(gs, tie_kind, label="tie_kind")
    question = SeedsQuestion(Model(model, p=p), mode, target, k, consented, seed, kinds)
    got = answer_seeds_question(gs, question, get_principal(request), page)
    return {
        **{key: got[key] for key in ("n", "seeds_count", "seed_share", "target", "reached")},
        **{key: got[key] for key in ("verified_share", "lower_bound", "lower_bound_method")},
        "model": got["model"].describe(),
        "verified_by": "exact count" if got["exact"] else f"{got['mc_runs']} Monte Carlo runs",
        "reach": got["reach"],
        "reach_ci95": got["reach_ci"],
        "optimal": got["optimal"],
        "replaced_by": got["replaced_by"],
        "three_percent_holds": got["holds"],
        "baselines": [
            {"name": b["name"], "reach": b["reach"], "seeds": b["seeds"]} for b in got["baselines"]
        ],
        "people": [
            {
                "order": x["order"],
                "id": x["label"],
                "name": x["name"],
                "town": x["town"],
                "ties": x["degree"],
            }
            for x in got["people"]
        ],
        "page": got["page"],
        "pages": got["pages"],
        "hidden": got["hidden"],
        "notes": got["how"],
        "tie_kinds": got["tie_kinds"].as_json(),
    }
