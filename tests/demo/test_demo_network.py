"""The demo network and recruitment tree have the structure they were built to have."""

from __future__ import annotations

import igraph
import numpy as np
import pytest

from groundswell.demo import places


@pytest.fixture(scope="module")
def graph(movement) -> igraph.Graph:
    t = movement.ties
    return igraph.Graph(n=movement.n, edges=np.column_stack([t.src, t.dst]))


def test_ties_stored_once_without_self_ties(movement):
    t = movement.ties
    assert (t.src < t.dst).all()
    key = t.src.astype(np.int64) * movement.n + t.dst
    assert (np.diff(key) > 0).all()  # sorted and unique
    assert (t.weight > 0).all()


def test_degrees_heavy_tailed(movement, graph):
    degree = np.array(graph.degree())
    assert 8 <= degree.mean() <= 15
    assert degree.max() >= 6 * degree.mean()  # hubs far above the mean
    assert degree.max() < 400
    # The top 1% of people hold several times their share of tie ends.
    top = np.sort(degree)[-max(1, movement.n // 100) :]
    assert top.sum() / degree.sum() > 0.035


def test_clustering_far_above_random(movement, graph):
    density = 2 * graph.ecount() / (movement.n * (movement.n - 1))
    # An Erdos-Renyi graph of the same density has clustering ~ density.
    assert graph.transitivity_undirected() > 10 * density
    assert graph.transitivity_avglocal_undirected(mode="zero") > 0.1


def test_towns_are_communities(movement, graph):
    assert graph.modularity(movement.population.town.tolist()) > 0.3
    t = movement.ties
    town = movement.population.town
    cross = (town[t.src] != town[t.dst]).mean()
    assert 0.0 < cross < 0.25  # mostly local, a few ties across towns


def test_recruitment_is_a_forest(movement):
    tree = movement.recruitment
    recruits = np.flatnonzero(tree.recruiter >= 0)
    # One recruiter per recruit by construction; recruiters joined before their recruits.
    assert (tree.recruiter[recruits] != recruits).all()
    assert (tree.joined_day[tree.recruiter[recruits]] < tree.joined_day[recruits]).all()
    g = igraph.Graph(
        n=movement.n, edges=np.column_stack([tree.recruiter[recruits], recruits]), directed=True
    )
    assert g.is_dag()
    assert max(g.indegree()) <= 1
    members = ~np.isnan(tree.joined_day)
    assert members[tree.recruiter[recruits]].all() and members[recruits].all()


def _recruits(tree) -> np.ndarray:
    valid = tree.recruiter[tree.recruiter >= 0]
    return np.bincount(valid, minlength=tree.recruiter.size)


def test_mobilisers_recruit_more_than_organisers(movement):
    tree = movement.recruitment
    count = _recruits(tree)
    mob, org = tree.planted["mobiliser"], tree.planted["organiser"]
    assert mob.size >= 2 and org.size >= 3
    assert count[mob].mean() > 2 * count[org].mean()
    assert (count[mob] >= 20).all() and ((count[org] >= 5) & (count[org] <= 15)).all()


def test_organisers_grow_leaders_and_mobilisers_do_not(movement):
    tree = movement.recruitment
    count = _recruits(tree)

    def share_recruiting(roots: np.ndarray) -> float:
        recruits = np.flatnonzero(np.isin(tree.recruiter, roots))
        return float((count[recruits] > 0).mean())

    assert share_recruiting(tree.planted["organiser"]) > 0.3
    assert share_recruiting(tree.planted["organiser"]) > 2 * share_recruiting(
        tree.planted["mobiliser"]
    )
    # Depth: organisers' trees run at least three generations deep.
    depth = np.zeros(movement.n, dtype=int)
    root = np.arange(movement.n)
    for person in np.argsort(tree.joined_day, kind="stable"):
        boss = tree.recruiter[person]
        if boss >= 0 and not np.isnan(tree.joined_day[person]):
            depth[person], root[person] = depth[boss] + 1, root[boss]
    from_org = np.isin(root, tree.planted["organiser"])
    assert depth[from_org].max() >= 3
    # The leaders they grew host: they lead events of their own.
    hosts = set(movement.activity.event_leader.tolist())
    assert len(hosts & set(tree.planted["grown_leader"].tolist())) >= 5


def test_lone_wolves_long_tenure_low_degree_many_solo_actions(movement, graph):
    tree, act = movement.recruitment, movement.activity
    wolves = tree.planted["lone_wolf"]
    degree = np.array(graph.degree())
    assert (degree[wolves] <= np.median(degree[movement.population.age >= 18])).all()
    assert (tree.joined_day[wolves] < 0).all()  # joined before the demo period
    assert (_recruits(tree)[wolves] <= 1).all()
    led = np.bincount(act.event_leader, minlength=movement.n)
    assert (led[wolves] >= 15).all()
    size = np.bincount(act.attend_event, minlength=act.event_day.size)
    solo = np.isin(act.event_leader, wolves)
    assert size[solo].mean() < 1.5 < size[~solo].mean()


def test_roles_are_disjoint_and_planted_only(movement):
    planted = movement.planted_roles
    core = [planted[r] for r in ("mobiliser", "organiser", "lone_wolf")]
    everyone = np.concatenate(core)
    assert np.unique(everyone).size == everyone.size
    assert set(planted) == {"mobiliser", "organiser", "lone_wolf", "grown_leader"}


def test_full_size_network_shape():
    from groundswell.demo.population import generate_population
    from groundswell.demo.ties import generate_ties

    rng = np.random.default_rng(5)
    pop = generate_population(20_000, rng)
    ties, _ = generate_ties(pop, rng)
    degree = np.bincount(np.concatenate([ties.src, ties.dst]), minlength=20_000)
    assert 8 <= degree.mean() <= 15 and 100 <= degree.max() < 400
    assert len(places.TOWN_NAMES) == np.unique(pop.town).size
