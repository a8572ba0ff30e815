"""One small demo movement shared by the engine tests (generation is deterministic)."""

from __future__ import annotations

import pytest

from groundswell.demo import DemoMovement, generate

SMALL = 1_500


@pytest.fixture(scope="session")
def movement() -> DemoMovement:
    return generate(7, SMALL)
