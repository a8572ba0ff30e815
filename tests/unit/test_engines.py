"""The engines are named once (``groundswell.ENGINES``); every other list is checked against it."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import groundswell

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "groundswell"


def test_every_engine_is_a_package() -> None:
    for name in groundswell.ENGINES:
        assert (PACKAGE / name / "__init__.py").is_file(), f"groundswell.{name} is not a package"
    assert len(set(groundswell.ENGINES)) == len(groundswell.ENGINES)


def test_the_purity_contract_names_exactly_the_engines() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (pure,) = [c for c in contracts if c["name"] == "Engines and kernels stay pure"]
    assert sorted(pure["source_modules"]) == sorted(f"groundswell.{e}" for e in groundswell.ENGINES)


def test_the_makefile_takes_its_engine_list_from_the_package() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (line,) = [x for x in makefile.splitlines() if x.startswith("ENGINES :=")]
    assert "groundswell.ENGINES" in line and "network spread" not in line
    shown = subprocess.run(
        ["make", "-s", "--no-print-directory", "-n", "lint"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    (mypy,) = [x for x in shown.splitlines() if "mypy" in x]
    # Either the whole package is checked, or at least every engine by name.
    whole = re.search(r"\ssrc(/groundswell)?/?(\s|$)", mypy)
    checked = set(re.findall(r"src/groundswell/(\w+)", mypy))
    assert whole or set(groundswell.ENGINES) <= checked
