"""The warm-up runs every step, names each one, and leaves the kernels compiled."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from groundswell.cli.main import main
from groundswell.compute import warm as warm_module
from groundswell.compute.warm import warm


def test_warm_runs_every_step_and_names_it() -> None:
    heard: list[str] = []
    seconds = warm(heard.append)
    assert seconds > 0
    assert {"read .csv", "read .txt", "roles", "conversations"} <= set(heard)
    assert {f"spread {m}" for m in ("ic", "wc", "lt", "direct", "complex", "sir")} <= set(heard)
    assert "seeds among the consenting" in heard and len(heard) == len(set(heard))


def test_warm_command_says_when_the_kernels_are_ready(capsys) -> None:
    bytecode = Path(importlib.util.cache_from_source(warm_module.__file__))
    bytecode.unlink(missing_ok=True)
    assert main(["warm"]) == 0
    assert "Kernels ready" in capsys.readouterr().out
    assert bytecode.exists()  # Groundswell's own bytecode is written at set-up too
