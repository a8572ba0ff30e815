"""The "kinds of tie" choice of the network pages and the seeds API: ``tie_kind``, repeatable.

Each page offers a checkbox per kind of tie in the store (with how many ties
of it there are); none ticked means every kind. What is asked is checked
against the kinds present, so a mistyped kind is a clear 422, not an empty
network. The kinds chosen are part of the heavy jobs' keys (``web.heavy``):
two questions that differ only in their kinds are two computations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request

from groundswell.auth.permissions import Action, can
from groundswell.store.graph import check_tie_kinds, tie_kind_counts
from groundswell.web.auth import get_principal

PARAM = "tie_kind"
LABEL = "Kind of tie"


def asked_kinds(query: QueryParams) -> list[str]:
    """The kinds ticked or named, as given (empty: every kind)."""
    return [value for value in query.getlist(PARAM) if value.strip()]


def chosen_kinds(gs: Any, query: QueryParams, *, label: str = LABEL) -> tuple[str, ...] | None:
    """The kinds asked for, sorted and checked against the store (None: every kind)."""
    return checked_kinds(gs, asked_kinds(query), label=label)


def checked_kinds(
    gs: Any, asked: Sequence[str] | None, *, label: str = LABEL
) -> tuple[str, ...] | None:
    """``asked`` sorted and checked against the kinds in the store (None: every kind)."""
    return check_tie_kinds(asked, tie_kind_counts(gs), label=label) if asked else None


def kinds_context(gs: Any, request: Request) -> dict[str, Any]:
    """What ``partials/tie_kinds.html`` needs: the kinds in the store and those ticked, and
    ``tie_kinds_suffix`` (``&tie_kind=...`` for each) for links that keep the choice.

    A count of ties under 10 is shown only to a viewer who may see people: to anyone
    else it is "fewer than 10" (the small-number rule)."""
    asked = asked_kinds(request.query_params)
    return {
        "tie_kinds_present": tie_kind_counts(gs),
        "tie_kinds_exact": can(get_principal(request), Action.VIEW_PEOPLE),
        "tie_kinds_chosen": asked,
        "tie_kinds_suffix": "".join("&" + urlencode({PARAM: kind}) for kind in asked),
    }


def query_pairs(values: dict[str, str], kinds: list[str]) -> list[tuple[str, str]]:
    """A form's values and its kinds as (name, value) pairs, for links that repeat it."""
    return [*values.items(), *((PARAM, kind) for kind in kinds)]
