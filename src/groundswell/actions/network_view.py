"""What one viewer may see of the network picture: names, roles and seeds, or aggregates.

The picture itself (``actions.network_picture``) is the same for everyone;
this decides, per viewing, what goes on it:

- organisers and admins (``VIEW_PEOPLE``) see, for the people within their
  scope, a name, a role and whether they are a seed, as the 3% and
  Leadership pages show them; people outside their scope are unnamed dots.
  Every viewing that names anyone is audited.
- anyone else sees anonymous dots coloured by community, and communities of
  fewer than 10 people only merged into "other" (``network.picture.OTHER``),
  which they cannot open; where the picture is of people, the people of the
  small communities are left out of it, so those groups cannot be counted.
- counts per community (people, seeds, each role) are exact for a viewer
  who may see everyone, and otherwise follow the small-number rule
  (``measures.suppression``): under 10 is not shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select

from groundswell.actions import Database
from groundswell.actions.audit import do_record_access
from groundswell.actions.network_picture import NetworkPicture, people_of
from groundswell.actions.scopes import visible_people
from groundswell.auth.permissions import Action, Principal, can, scopes_for
from groundswell.errors import PermissionDenied
from groundswell.measures.suppression import count_cell
from groundswell.network.picture import OTHER, Picture
from groundswell.store.models import Person

ROLES = {  # role -> how the page names one holder
    "organiser": "organiser",
    "mobiliser": "mobiliser",
    "connector": "connector",
    "lone_wolf": "lone wolf",
}


def community_name(community: int) -> str:
    return "Other small communities" if community == OTHER else f"Community {community + 1}"


def _count(n: int, exact: bool) -> int | None:
    """A count of people as this viewer may see it (None: fewer than 10, not shown)."""
    return n if exact else count_cell(n).value


def _visible(db: Database, pic: NetworkPicture, principal: Principal | None) -> np.ndarray:
    """Whose names, roles and seeds ``principal`` may see, in graph order."""
    if not can(principal, Action.VIEW_PEOPLE):
        return np.zeros(pic.graph.n, bool)
    if scopes_for(principal).everything:
        return np.ones(pic.graph.n, bool)
    with db.reading() as session:
        ids = np.array(session.scalars(visible_people(select(Person.id), principal)).all())
    return np.isin(pic.pids, ids.astype(np.int64))


def community_rows(
    pic: NetworkPicture, shown: list[int], seeds: np.ndarray | None, exact: bool
) -> list[dict[str, Any]]:
    """Per community in ``shown``: its people, seeds and role holders, as counts."""
    groups = pic.groups
    rows = []
    for c in shown:
        members = np.flatnonzero(groups == c)
        held = [pic.roles[i] for i in members.tolist()]
        row: dict[str, Any] = {
            "id": c, "name": community_name(c), "people": _count(members.size, exact),
            "seeds": None if seeds is None else _count(int(seeds[members].sum()), exact),
            "roles": {r: _count(held.count(r), exact) for r in ROLES},
        }  # fmt: skip
        rows.append(row)
    return rows


def picture_view(
    db: Database,
    pic: NetworkPicture,
    principal: Principal | None,
    *,
    community: int | None = None,
    seeds: np.ndarray | None = None,
) -> dict[str, Any]:
    """The picture for ``principal``: nodes to draw, edges, and the tables beside them.

    ``community`` opens one community (``NotFound`` when there is none such;
    ``PermissionDenied`` for "other" to a viewer who may not see names).
    ``seeds`` marks the seeds (a mask in graph order), when they are known.
    """
    may_see = can(principal, Action.VIEW_PEOPLE)
    if community == OTHER and not may_see:
        raise PermissionDenied(
            "the small communities are shown together only: sign in as an organiser to open them"
        )
    if community is not None:
        picture = pic.opened(community)
    else:
        picture = pic.overview if may_see else pic.public()
    left_out = picture is not pic.overview and community is None
    exact = may_see and scopes_for(principal).everything
    visible = _visible(db, pic, principal)
    out: dict[str, Any] = {"kind": picture.kind, "expanded": picture.expanded,
                           "edges_total": picture.edges_total, "may_see": may_see,
                           "exact": exact, "seeds_known": seeds is not None,
                           "small_left_out": left_out}  # fmt: skip
    if picture.kind == "communities":
        out["nodes"] = _community_nodes(pic, picture, seeds, exact, may_see)
        out["communities"] = community_rows(pic, picture.nodes.tolist(), seeds, exact)
        out["people"] = []
    else:
        out["nodes"], out["people"] = _people_nodes(db, pic, picture, visible, seeds)
        drawn = set(picture.community.tolist()) | ({OTHER} if left_out else set())
        shown = sorted(drawn, key=lambda c: (c == OTHER, c))
        out["communities"] = community_rows(pic, shown, seeds, exact)
        if out["people"] and principal is not None:
            detail = {"people": len(out["people"]), "community": community}
            do_record_access(db, principal.email, "network.picture", None, None, detail)
    out["edges"] = [
        {"a": int(a), "b": int(b), "weight": int(w)}
        for (a, b), w in zip(picture.edges.tolist(), picture.weights.tolist(), strict=True)
    ]
    return out


def _community_nodes(
    pic: NetworkPicture, picture: Picture, seeds: np.ndarray | None, exact: bool, may_see: bool
) -> list[dict[str, Any]]:
    groups = pic.groups
    nodes = []
    for k, c in enumerate(picture.nodes.tolist()):
        size = int(picture.sizes[k])
        people = _count(size, exact)
        shown = f"{people:,} people" if people is not None else "fewer than 10 people"
        # Whether it holds seeds is a count too: shown as the viewer's counts are.
        held = 0 if seeds is None or not may_see else int(seeds[groups == c].sum())
        has_seeds = held > 0 and _count(held, exact) is not None
        marks = ", with seeds" if has_seeds else ""
        nodes.append({
            "x": float(picture.xy[k, 0]), "y": float(picture.xy[k, 1]),
            "r": float(picture.radius[k]), "community": c, "label": _short(c),
            "name": f"{community_name(c)}: {shown}{marks}; open it",
            "seed": has_seeds, "role": None,
            "open": c != OTHER or may_see,
        })  # fmt: skip
    return nodes


def _short(community: int) -> str:
    return "…" if community == OTHER else str(community + 1)


def _people_nodes(
    db: Database, pic: NetworkPicture, picture: Picture, visible: np.ndarray,
    seeds: np.ndarray | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    """One node per person, named where the viewer may see them, and the people table."""
    ids = picture.nodes.tolist()
    named = [i for i in ids if visible[i]]
    names = people_of(db, [int(pic.pids[i]) for i in named])
    degree = pic.graph.out_degree()
    nodes, people = [], []
    for k, i in enumerate(ids):
        c = int(picture.community[k])
        node: dict[str, Any] = {"x": float(picture.xy[k, 0]), "y": float(picture.xy[k, 1]),
                                "r": float(picture.radius[k]), "community": c, "name": None,
                                "seed": False, "role": None, "open": False}  # fmt: skip
        if visible[i]:
            role = pic.roles[i]
            seed = seeds is not None and bool(seeds[i])
            ref, name = names.get(int(pic.pids[i]), ("", None))
            name = name or ref
            words = [f"{name} ({ref})", community_name(c).lower()]
            words += [ROLES[role]] if role else []
            words += ["a seed"] if seed else []
            node.update(name=", ".join(words), seed=seed, role=role, anchor=f"person-{k}")
            people.append({
                "anchor": f"person-{k}", "ref": ref, "name": name,
                "community": community_name(c), "role": ROLES[role] if role else "",
                "seed": seed, "ties": int(degree[i]),
            })  # fmt: skip
        nodes.append(node)
    return nodes, people
