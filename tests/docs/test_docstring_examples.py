"""Every ``>>>`` example in the package's docstrings runs, and gives what it shows.

The examples are documentation a reader copies, so each one is a test: a
module is found by its text (any ``>>>``), imported, and every example in it
run with :mod:`doctest`. An example a module shows but doctest cannot find
(in a comment, or a private helper's string) fails too, so none goes stale
unseen.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "groundswell"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_with_examples() -> list[str]:
    """Every module under ``src/groundswell`` whose source holds a ``>>>`` example."""
    return sorted(
        _module_name(path)
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and ">>>" in path.read_text(encoding="utf-8")
    )


def test_the_package_has_examples_to_run() -> None:
    # A wrong PACKAGE path would otherwise pass with nothing collected.
    assert len(modules_with_examples()) >= 30


@pytest.mark.parametrize("name", modules_with_examples())
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder(exclude_empty=True).find(module)
    shown = sum(len(t.examples) for t in tests)
    assert shown > 0, f"{name} shows '>>>' examples doctest cannot find: put them in a docstring"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
