"""``groundswell themes analyse FILE.csv``: the themes in a column of free text (no database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import console, print_json, say
from groundswell.errors import InputFileError
from groundswell.wording import plural

themes_app = typer.Typer(
    help="Themes in free text: keywords, sizes and representative comments.",
    no_args_is_help=True,
)
app.add_typer(themes_app, name="themes")


@themes_app.command("analyse")
def analyse(
    path: Path = typer.Argument(
        ..., metavar="FILE.csv", help="CSV file (UTF-8) with a header line and a column of text."
    ),
    text_column: str = typer.Option(..., "--text-column", help="The column holding the text."),
    id_column: str | None = typer.Option(
        None, "--id-column", help="A column of unique ids (default: row numbers, 1 = first row)."
    ),
    n_themes: int | None = typer.Option(
        None, "--themes", min=1, help="How many themes (default: the engine chooses)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same themes)."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Find the themes in a column of comments: keywords, size and examples of each.

    Comments that fit no theme well are left unthemed (null in --json's
    assignments) rather than forced into one. Each large theme is split into
    sub-themes, shown indented under it (--json: each theme's "subthemes" and
    "sub_assignments"); its comments in no sub-theme are its general ones.
    """
    from groundswell.themes import find_themes

    ids, texts = read_texts(path, text_column, id_column)
    result = find_themes(texts, n_themes=n_themes, seed=seed)
    doc = result.to_json(ids, texts)
    if json_out:
        print_json(doc)
        return
    _show(doc, len(texts), result.unthemed)


def read_texts(path: Path, text_column: str, id_column: str | None) -> tuple[list[str], list[str]]:
    """(ids, texts) of the file's rows; ids must be present and unique when a column is named."""
    from groundswell.actions.csvfiles import read_csv

    text_key = text_column.strip().lower()
    id_key = id_column.strip().lower() if id_column else None
    table = read_csv(path, required=[text_key, *([id_key] if id_key else [])], optional=[])
    ids: list[str] = []
    texts: list[str] = []
    seen: dict[str, int] = {}
    for number, (line, row) in enumerate(table, start=1):
        key = row[id_key] if id_key else str(number)
        if id_key and not key:
            raise table.error(line, id_key, "the id is empty", "give every row an id")
        if id_key and key in seen:
            raise table.error(
                line, id_key, f"the id '{key}' is also on line {seen[key]}", "make the ids unique"
            )
        seen[key] = line
        ids.append(key)
        texts.append(row[text_key])
    if not texts:
        raise InputFileError(str(path), "the file has no rows of text", line=2, fix="add comments")
    return ids, texts


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _show(doc: dict[str, Any], total: int, unthemed: int) -> None:
    themes = doc["themes"]
    subthemes = sum(len(t["subthemes"]) for t in themes)
    counted = plural(len(themes), "theme")
    if subthemes:
        counted += f" and {plural(subthemes, 'sub-theme')}"
    say(f"{counted} in {plural(total, 'comment')}; {unthemed} unthemed ({doc['seconds']:.1f} s).")
    if not themes:
        return
    table = Table(show_lines=False)
    table.add_column("theme", justify="right")
    table.add_column("sub-theme", justify="right")
    table.add_column("size", justify="right")
    # Labels are short and say what a theme is: they keep their width, examples wrap.
    longest = max(len(t["label"]) for t in themes)
    table.add_column("label", min_width=min(longest, 40))
    table.add_column("example")
    for theme in themes:
        example = theme["examples"][0] if theme["examples"] else ""
        table.add_row(
            str(theme["id"]),
            "",
            str(theme["size"]),
            escape(theme["label"]),
            escape(_short(example)),
        )
        # Each sub-theme indented under its theme, then the theme's texts in none of them.
        for sub in theme["subthemes"]:
            example = sub["examples"][0] if sub["examples"] else ""
            table.add_row(
                "",
                str(sub["id"]),
                str(sub["size"]),
                "  " + escape(sub["label"]),
                escape(_short(example, 80)),
            )
        general = theme["size"] - sum(sub["size"] for sub in theme["subthemes"])
        if theme["subthemes"] and general:
            table.add_row("", "", str(general), "  (general: in no sub-theme)", "")
    console.print(table)
