"""Bounded target search: a member budget loosens the stated error, a cap stops doubling."""

from __future__ import annotations

from groundswell.network.build import from_arrays
from groundswell.seeds import fewest_seeds
from groundswell.seeds.target import error_for_budget, hoeffding_sets
from groundswell.spread import Model


def _clique(n: int = 60):
    src = [a for a in range(n) for b in range(a + 1, n)]
    dst = [b for a in range(n) for b in range(a + 1, n)]
    return from_arrays(src, dst, n=n)[0]


def test_error_for_budget_keeps_the_base_error_when_it_fits():
    g = _clique()
    assert error_for_budget(g, Model("direct", p=0.0), 10**9, 0.99, 0.02) == 0.02


def test_error_for_budget_loosens_when_sets_are_large():
    # With p = 1 every RR set is the whole clique (60 members): 6,000 members
    # buy 100 sets, so the error is Hoeffding's for 100 sets, rounded up.
    g = _clique()
    error = error_for_budget(g, Model("ic", p=1.0), 6000, 0.99, 0.02)
    assert hoeffding_sets(error, 0.99) <= 100 < hoeffding_sets(error - 0.001, 0.99)


def test_member_cap_stops_the_choosing_sample_and_says_so():
    # 30 isolated people: each RR set is its root, so 90% needs 27 seeds,
    # more than the few roots a small first sample holds; the cap forbids doubling.
    g = from_arrays([], [], n=30)[0]
    sel = fewest_seeds(g, Model("ic", p=0.0), 0.9, seed=1, error=0.3, max_members=1)
    assert sel.reached is False
    assert any("max_members" in note for note in sel.notes)
    free = fewest_seeds(g, Model("ic", p=0.0), 0.9, seed=1, error=0.3)
    assert len(free.seeds) >= len(sel.seeds)
