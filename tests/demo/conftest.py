"""One small demo movement shared by the engine tests (generation is deterministic)."""

from __future__ import annotations

from datetime import date

import pytest

from groundswell.demo import DemoMovement, generate

SMALL = 1_500
TODAY = date(2026, 6, 17)  # a Wednesday: tests pin the demo's today, so they never drift


@pytest.fixture(scope="session")
def today() -> date:
    return TODAY


@pytest.fixture(scope="session")
def movement() -> DemoMovement:
    return generate(7, SMALL, today=TODAY)
