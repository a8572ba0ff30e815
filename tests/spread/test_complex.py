"""Complex contagion: known cases on ring lattices (Centola & Macy 2007)."""

from __future__ import annotations

import numpy as np
from spread_graphs import graph_of, ring_lattice

from groundswell.spread import Model, simulate


def test_threshold_two_spreads_from_adjacent_seeds_not_distant_ones() -> None:
    g = ring_lattice(20, 4)  # each person tied to 2 on each side
    adjacent = simulate(g, Model("complex", threshold=2), np.array([0, 1]), runs=3)
    assert adjacent.reach.tolist() == [20] * 3
    # Two new adopters per step, one on each side: 2, 4, ..., 20 after 9 steps.
    assert adjacent.curve_mean.tolist() == [float(x) for x in range(2, 21, 2)]
    distant = simulate(g, Model("complex", threshold=2), np.array([0, 10]), runs=3)
    assert distant.reach.tolist() == [2] * 3
    assert distant.adoption_probability[[0, 10]].tolist() == [1.0, 1.0]


def test_fraction_threshold_is_a_share_of_neighbours() -> None:
    g = ring_lattice(20, 4)
    # Half of 4 neighbours is 2: the same as threshold 2.
    half = simulate(g, Model("complex", fraction=0.5), np.array([0, 1]), runs=2)
    assert half.reach.tolist() == [20, 20]
    # 0.6 of 4 rounds up to 3: two adjacent seeds cannot start it.
    assert simulate(g, Model("complex", fraction=0.6), np.array([0, 1]), runs=2).reach_mean == 2
    # On a ring, someone at the front sees at most 2 adopters among their 4: it never spreads.
    assert simulate(g, Model("complex", fraction=0.6), np.array([0, 1, 2]), runs=2).reach_mean == 3


def test_simple_contagion_crosses_where_complex_does_not() -> None:
    # Two triangles joined by a single bridge 2-3: a narrow bridge stops threshold 2.
    g = graph_of([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (3, 5)], 6)
    assert simulate(g, Model("complex", threshold=2), np.array([0, 1]), runs=2).reach_mean == 3
    assert simulate(g, Model("ic", p=1.0), np.array([0, 1]), runs=2).reach_mean == 6


def test_max_steps_limits_the_cascade() -> None:
    g = ring_lattice(20, 4)
    r = simulate(g, Model("complex", threshold=2, max_steps=3), np.array([0, 1]), runs=2)
    assert r.reach_mean == 8 and len(r.curve_mean) == 4


def test_never_adopt_can_block_a_lattice() -> None:
    g = ring_lattice(200, 4)
    r = simulate(g, Model("complex", threshold=2, never_adopt=0.2), np.array([0, 1]), runs=300)
    # Two neighbouring refusers on each side stop a k=2 cascade on that side.
    assert 2 < r.reach_mean < 200
