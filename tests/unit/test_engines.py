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


def _layer_map_engines(text: str) -> set[str] | None:
    """The engines a layer map names: its ``engines`` entry (and its lines that follow)
    plus ``kernels`` when the map has that line; None when the text has no map."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"engines\s{2,}\S", line)]
    if not starts:
        return None
    (i,) = starts
    entry = [lines[i].removeprefix("engines")]
    for line in lines[i + 1 :]:
        if not line.startswith(" "):
            break
        entry.append(line)
    named = re.sub(r"\([^)]*\)", "", " ".join(entry))  # "(pure: numpy/scipy/numba)"
    found = set(re.findall(r"[a-z_]+", named))
    if any(re.match(r"kernels\s{2,}\S", line) for line in lines):
        found.add("kernels")
    return found


def test_the_layer_maps_in_the_readme_and_the_docs_name_exactly_the_engines() -> None:
    maps = {}
    for name in ("README.md", "docs/architecture.md"):
        path = ROOT / name
        found = _layer_map_engines(path.read_text(encoding="utf-8")) if path.exists() else None
        if found is not None:
            maps[name] = found
    assert maps, "the README or docs/architecture.md should show the layers with the engines"
    for name, found in maps.items():
        assert found == set(groundswell.ENGINES), f"{name} names other engines than ENGINES"
