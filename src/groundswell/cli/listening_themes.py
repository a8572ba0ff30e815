"""``groundswell listening themes ...``: find themes across sources and curate them.

The same actions as the organisers' pages (``groundswell.actions.themes_*``);
every command that shows what people said records the read in the audit
trail under the operator's name.
"""

from __future__ import annotations

from dataclasses import asdict

import typer

from groundswell.actions.audit import do_record_access, operator
from groundswell.actions.themes_curation import do_link_initiative, do_merge, do_rename
from groundswell.actions.themes_gather import SOURCES
from groundswell.actions.themes_runs import CurrentThemes, current_themes, do_run_themes
from groundswell.cli.database import opened_app
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import print_json, say

themes_app = typer.Typer(
    help="Themes across harvest notes, comments, statements and stories, and their curation.",
    no_args_is_help=True,
)

SOURCE_OPTION = typer.Option(
    [], "--source", help=f"Read only this source (repeatable): {', '.join(SOURCES)}; default all."
)
THEME_ARGUMENT = typer.Argument(..., help="The theme's id (see 'listening themes list').")


def _print(found: CurrentThemes) -> None:
    if found.run is None:
        say("No themes yet: run 'groundswell listening themes run'.")
        return
    run = found.run
    say(f"Run {run.id}: {run.texts} texts from {', '.join(run.sources)}, seed {run.seed}; "
        f"{len(found.themes)} themes, {found.unthemed} texts unthemed.")  # fmt: skip
    for row in found.themes:
        acting = f"  [acting on: {row.initiative}]" if row.acting_on else ""
        sources = ", ".join(f"{k} {v}" for k, v in row.by_source.items())
        say(f"{row.id:>5}  {row.size:>5}  {row.label}{acting}  ({sources})")


def _json(found: CurrentThemes) -> dict[str, object]:
    return {
        "run": asdict(found.run) if found.run else None,
        "themes": [asdict(row) for row in found.themes],
        "unthemed": found.unthemed,
    }


@themes_app.command("run")
def run(
    source: list[str] = SOURCE_OPTION,
    themes: int | None = typer.Option(None, "--themes", help="How many themes (default: chosen)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (the same seed, the same themes)."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Find themes in every text people may be heard from; the new run becomes current."""
    who = operator()
    with opened_app() as instance:
        made = do_run_themes(instance, sources=source, seed=seed, n_themes=themes, actor=who)
        found = current_themes(instance)
    if json_out:
        print_json(_json(found))
    else:
        say(f"Found {made.themes} themes in {made.texts} texts in {made.seconds:.1f} s.")
        _print(found)


@themes_app.command("list")
def list_(
    source: list[str] = SOURCE_OPTION,
    town: str | None = typer.Option(None, "--town", help="Only texts from this town."),
    json_out: bool = JSON_OPTION,
) -> None:
    """The current themes, largest first, with counts by source and town (fewer than 10 hidden)."""
    with opened_app() as instance:
        found = current_themes(instance, sources=source, town=town)
        do_record_access(instance, operator(), "themes.list", "theme_run",
                         found.run.id if found.run else None,
                         {"themes": len(found.themes)})  # fmt: skip
    if json_out:
        print_json(_json(found))
    else:
        _print(found)


@themes_app.command("rename")
def rename(
    theme: int = THEME_ARGUMENT,
    label: str = typer.Argument(..., help="New label."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Give a theme a label in your own words."""
    with opened_app() as instance:
        kept = do_rename(instance, theme, label, actor=operator())
    if json_out:
        print_json({"theme": theme, "label": kept})
    else:
        say(f"Theme {theme} is now '{kept}'.")


@themes_app.command("merge")
def merge(
    into: int = typer.Argument(..., help="The theme that stays."),
    other: int = typer.Argument(..., help="The theme folded into it."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Fold theme OTHER into theme INTO: its texts move there."""
    with opened_app() as instance:
        moved = do_merge(instance, into, other, actor=operator())
    if json_out:
        print_json({"into": into, "merged": other, "moved": moved})
    else:
        say(f"Merged theme {other} into theme {into}: {moved} texts moved.")


@themes_app.command("link")
def link(
    theme: int = THEME_ARGUMENT,
    initiative: str = typer.Argument(..., help="The initiative's slug."),
    what_changed: str = typer.Option(
        ..., "--what-changed", help="What changed because of it, for 'you said, we did'."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Mark a theme 'we are acting on this', linked to an initiative."""
    with opened_app() as instance:
        name = do_link_initiative(instance, theme, initiative, what_changed, actor=operator())
    if json_out:
        print_json({"theme": theme, "initiative": name, "what_changed": what_changed})
        return
    say(f"Theme {theme} is linked to {name}; it shows on /you-said-we-did once 10 or more "
        "people's words are in it.")  # fmt: skip
