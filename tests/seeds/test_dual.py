"""The quick lower bound (Lagrangian dual of the LP) never passes the optimum or the LP."""

from __future__ import annotations

import numpy as np
import pytest
from test_exact_choice import _graph, _optimum, _reach

from groundswell.network.generate import barabasi_albert
from groundswell.seeds import Constraints, exact
from groundswell.seeds.dual import lagrangian_bound


@pytest.mark.parametrize(("p", "n_max"), [(1.0, 22), (0.5, 10)])
def test_quick_bound_never_passes_the_optimum_found_by_exhaustive_search(p, n_max):
    rng = np.random.default_rng(7)
    for trial in range(8):
        g = _graph(rng, int(rng.integers(6, n_max + 1)), directed=bool(trial % 2))
        need = float(rng.choice([0.5, 0.8, 1.0])) * g.n
        opt = _optimum(g, p, need)
        assert opt is not None
        got = lagrangian_bound(g, p, Constraints().resolve(g.n), need, upper=float(g.n))
        assert 0 <= got <= opt


def test_quick_bound_respects_who_may_be_asked_and_who_is_active():
    rng = np.random.default_rng(3)
    for _ in range(6):
        g = _graph(rng, 14)
        consented = np.nonzero(rng.random(g.n) < 0.7)[0]
        active = consented[:1]
        resolved = Constraints(consented=consented, must_include=active).resolve(g.n)
        best = None  # fewest people, the active included, over allowed sets
        others = [int(u) for u in consented[1:]]
        need = 0.6 * _reach(g, 1.0, consented)
        for mask in range(1 << len(others)):
            chosen = [*active.tolist(), *(u for i, u in enumerate(others) if mask >> i & 1)]
            if _reach(g, 1.0, chosen) >= need - 1e-9 and (best is None or len(chosen) < best):
                best = len(chosen)
        assert best is not None
        assert lagrangian_bound(g, 1.0, resolved, need, upper=float(best)) <= best


@pytest.mark.parametrize("p", [1.0, 0.4])
def test_quick_bound_stays_at_or_below_the_lp_and_is_used_when_the_lp_is_skipped(p):
    g = barabasi_albert(1500, 2, seed=5)
    resolved = Constraints().resolve(g.n)
    need = 0.9 * g.n
    lp, _ = exact.lower_bound(g, p, resolved, need, milp_nodes=0)
    quick, found = exact.lower_bound(g, p, resolved, need, milp_nodes=0, lp_seconds=0, upper=g.n)
    assert lp is not None and quick is not None and found is None
    assert lp.kind == "LP relaxation" and quick.kind == "Lagrangian dual"
    assert "Lagrangian dual" in quick.method and not quick.optimal
    assert 0 < quick.people <= lp.people
    # Without a known count to steer by, no quick bound is claimed.
    assert exact.lower_bound(g, p, resolved, need, milp_nodes=0, lp_seconds=0) == (None, None)


def test_a_page_says_which_bound_it_used():
    from groundswell.seeds import fewest_seeds
    from groundswell.spread import Model

    g = barabasi_albert(4000, 2, seed=2)
    sel = fewest_seeds(g, Model("direct"), 0.9, bound_seconds=0.1, lp_seconds=0)
    assert sel.reached and sel.lower_bound is not None
    assert sel.lower_bound_method is not None and sel.lower_bound_method.startswith("Lagrangian")
    assert 0 < sel.lower_bound <= len(sel.seeds)
    full = fewest_seeds(g, Model("direct"), 0.9)
    assert full.lower_bound_method == "LP relaxation (HiGHS)"
    assert sel.lower_bound <= full.lower_bound <= len(full.seeds)
