"""The documentation site builds strictly, its generated pages are current, and it
documents what the commands really print.

``make docs`` regenerates the reference pages and builds the site; these tests
catch a change that was committed without doing so: a command, API route or
package whose reference page is stale, a broken link or anchor (strict build),
a page that would load something from another site, or a ``--json`` key the
JSON page does not list.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from groundswell.cli.main import main

REPO = Path(__file__).resolve().parents[2]
EMAIL_EU = REPO / "data" / "networks" / "email-eu-core" / "email-Eu-core.txt.gz"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "docs_reference", REPO / "scripts" / "docs_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_reference_pages_are_current() -> None:
    stale = [str(p.relative_to(REPO)) for p in _script().stale()]
    assert stale == [], f"out of date: {stale}; run make docs and commit them"


def test_cli_reference_names_every_command_and_sub_command() -> None:
    from groundswell.cli.main import COMMANDS

    page = (REPO / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"## groundswell {name}\n" in page
    # Sub-commands too: the help of a group lists them, and each has its own section.
    assert "### groundswell privacy erase\n" in page
    assert "Usage: groundswell privacy erase [OPTIONS] PERSON" in page.replace("{person}", "PERSON")


def test_the_site_builds_strictly_and_loads_nothing_from_elsewhere(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    pages = list(site.rglob("*.html"))
    assert {"index.html", "guide/three-percent/index.html", "reference/cli/index.html"} <= {
        str(p.relative_to(site)) for p in pages
    }
    # A script, style sheet or font from another site would leak every reader's visit.
    outside = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I)
    loading = [str(p.relative_to(site)) for p in pages if outside.search(p.read_text("utf-8"))]
    assert loading == []


def _json_of(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    doc: dict[str, object] = json.loads(capsys.readouterr().out)
    return doc


def _documented(section: str) -> set[str]:
    """The backticked names in one ``## section`` of the JSON output page."""
    page = (REPO / "docs" / "reference" / "json.md").read_text(encoding="utf-8")
    body = page.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([a-z_0-9]+)`", body))


RUNS: dict[str, Callable[[], list[str]]] = {
    "spread": lambda: ["spread", str(EMAIL_EU), "--model", "ic", "--p", "0.05",
                       "--random-seeds", "5", "--runs", "50", "--seed", "1"],
    "seeds": lambda: ["seeds", str(EMAIL_EU), "--model", "direct", "--target", "0.5",
                      "--seed", "1", "--baselines"],
    "roles": lambda: ["roles", str(EMAIL_EU), "--seed", "1"],
}  # fmt: skip


# Documents nested in a command's JSON whose own keys the page lists too.
NESTED = ("baselines", "people", "indicators")


@pytest.mark.parametrize("command", sorted(RUNS))
def test_json_page_lists_every_key_the_command_prints(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _json_of(capsys, *RUNS[command]())
    keys = set(doc)
    for name in NESTED:
        value = doc.get(name)
        items = list(value.values()) if isinstance(value, dict) else value or []
        assert isinstance(items, list)
        for item in items:
            keys |= set(item) if isinstance(item, dict) else set()
    missing = keys - _documented(command)
    assert not missing, f"docs/reference/json.md does not list {sorted(missing)} under {command}"
    assert keys >= {"n", "seeds"} or command == "roles"


# Notes the repository does not carry; the test spells them in pieces so that it
# does not match itself.
OUTSIDE = ("../" + "shared", "shared/" + "data", "STYLE" + ".md section", "reference " + "1.",
           "the product's " + "spec", "DESIGN" + ".md")  # fmt: skip


def test_nothing_refers_to_files_outside_the_repository() -> None:
    roots = [REPO / name for name in ("src", "tests", "benchmarks", "docs", "scripts")]
    files = [p for root in roots for p in root.rglob("*") if p.suffix in {".py", ".md", ".html"}]
    files.append(REPO / "README.md")
    found = [
        f"{path.relative_to(REPO)}: {marker}"
        for path in files
        for marker in OUTSIDE
        if marker in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert found == []
