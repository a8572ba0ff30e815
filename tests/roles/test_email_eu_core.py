"""email-Eu-core (SNAP): Leiden communities against the 42 departments, and its connectors."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from groundswell.network import read_graph
from groundswell.roles import assign_roles, gather_evidence, nmi


@functools.cache
def _load(folder: Path):
    graph = read_graph(str(folder / "email-Eu-core.txt.gz"))[0]
    labels = np.loadtxt(folder / "email-Eu-core-department-labels.txt", dtype=np.int64)
    dept = dict(labels.tolist())
    return graph, np.array([dept[int(x)] for x in graph.labels.tolist()])


@pytest.fixture
def email(real_data):
    return _load(real_data / "networks" / "email-eu-core")


def test_communities_agree_with_departments(email):
    graph, dept = email
    ev = gather_evidence(graph, seed=0, samples=256)
    score = nmi(ev.bridges.community, dept)
    print(f"email-Eu-core: {ev.bridges.n_communities} Leiden communities, NMI {score:.3f}")
    # Published modularity methods score about 0.55-0.6 against these departments.
    assert score > 0.5


def test_connectors_are_explained(email):
    graph, dept = email
    ev = gather_evidence(graph, seed=0, samples=256)
    result = assign_roles(graph, ev)
    connectors = np.flatnonzero(result.holds["connector"])
    assert 5 <= connectors.size <= 60
    for i in connectors[:10].tolist():
        (text,) = result.reasons(i)
        assert text.startswith(f"links community #{ev.bridges.community[i]} with")
        assert "shortest paths" in text
        # A connector's own ties reach many departments, not just one.
        assert np.unique(dept[graph.neighbours(i)]).size >= 5
    assert ev.bridges.participation[connectors].min() >= 0.5
