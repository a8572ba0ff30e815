from __future__ import annotations

import pytest
from polis_fixtures import DATASETS, loaded


@pytest.fixture(params=DATASETS)
def polis(request):
    """(export, matrix, analysis with seed 0) of one real conversation."""
    return loaded(request.param)
