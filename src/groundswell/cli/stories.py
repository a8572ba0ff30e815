"""``groundswell stories``: the personal-data check, and the story bank from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import console, print_json
from groundswell.csvsafe import write_private
from groundswell.errors import InvalidInput
from groundswell.stories import detect

stories_app = typer.Typer(
    help="Story bank: personal-data check, moderation and training packs.",
    no_args_is_help=True,
)
app.add_typer(stories_app, name="stories")


@stories_app.command("check-text")
def check_text(
    text: str = typer.Argument(..., help="The text to check; '-' reads it from stdin."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Flag names, NHS numbers, phones, emails, postcodes and dates of birth in TEXT.

    The same check runs on every story before it may leave 'private'."""
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise InvalidInput("the text is empty; give the story text to check, or '-' to read stdin")
    flags = detect(text)
    if json_out:
        print_json({"flags": [f.to_dict() for f in flags]})
        return
    if not flags:
        console.print("no personal data found", markup=False)
        return
    for f in flags:
        console.print(f"{f.kind:14s} {f.start:>5d}-{f.end:<5d} {f.text}", markup=False)


@stories_app.command("search")
def search_cmd(
    query: str = typer.Argument(..., help="Words to find in stories and initiatives."),
    all_stories: bool = typer.Option(
        False, "--all", help="Include stories not yet published (staff only)."
    ),
    limit: int = typer.Option(20, "--limit", help="At most this many results (1-200)."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Full-text search: SQLite FTS5 or PostgreSQL full-text, whichever the store is."""
    from groundswell.actions.story_search import search
    from groundswell.cli.database import opened_app

    with opened_app() as instance:
        hits = search(instance, query, limit=limit, include_unpublished=all_stories)
    if json_out:
        print_json({"hits": [h.to_dict() for h in hits]})
        return
    for h in hits:
        console.print(f"{h.kind:10s} {h.id:>6d}  {h.title}: {h.snippet}", markup=False)


@stories_app.command("export-pack")
def export_pack_cmd(
    pack: int = typer.Argument(..., help="The pack number."),
    out: Path = typer.Option(..., "--out", help="File to write; the format follows --format."),
    fmt: str = typer.Option("pdf", "--format", help="pdf, html or md."),
    force: bool = typer.Option(False, "--force", help="Overwrite the file if it exists."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Write a training pack as PDF, printable HTML or Markdown (withdrawn stories left out)."""
    from groundswell.actions.story_packs import export_pack
    from groundswell.cli.database import opened_app

    if out.exists() and not force:
        raise InvalidInput(f"{out} already exists; choose another file or add --force")
    with opened_app() as instance:
        data = export_pack(instance, pack, fmt)
    write_private(out, data)
    if json_out:
        print_json({"pack": pack, "file": str(out), "format": fmt, "bytes": len(data)})
        return
    console.print(f"wrote {out} ({len(data):,} bytes)", markup=False, soft_wrap=True)


@stories_app.command("remove-from-pack")
def remove_from_pack_cmd(
    pack: int = typer.Argument(..., help="The pack number."),
    story: int = typer.Argument(..., help="The story number."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Take a story out of a training pack; the pack's next export leaves it out."""
    from groundswell.actions.audit import operator
    from groundswell.actions.story_packs import do_remove_from_pack
    from groundswell.cli.database import opened_app

    with opened_app() as instance:
        state = do_remove_from_pack(instance, pack, story, actor=operator())
    if json_out:
        print_json({"pack": pack, "story": story, "packs": sorted(state.packs)})
        return
    console.print(f"story {story} is out of pack {pack}", markup=False)


@stories_app.command("safeguarding-contact")
def safeguarding_contact(
    name: str = typer.Argument(..., help="The named person safeguarding concerns go to."),
    email: str = typer.Argument(..., help="Their email address."),
    service: str | None = typer.Option(None, "--service", help="Only for this service."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Name who receives stories a moderator marks as a safeguarding concern."""
    from groundswell.actions.stories import do_add_safeguarding_contact
    from groundswell.cli.database import opened_app

    with opened_app() as instance:
        do_add_safeguarding_contact(instance, name, email, service)
    if json_out:
        print_json({"name": name, "email": email, "service": service})
        return
    where = f"for {service}" if service else "for every service without its own contact"
    console.print(f"safeguarding concerns {where} now go to {name}", markup=False)


@stories_app.command("change-share")
def change_share_cmd(json_out: bool = JSON_OPTION) -> None:
    """Share of concerns raised in stories that led to a change planned or made."""
    from groundswell.actions.stories import change_share
    from groundswell.cli.database import opened_app

    with opened_app() as instance:
        result = change_share(instance)
    if json_out:
        print_json(result)
        return
    share = "n/a" if result["share"] is None else f"{result['share']:.0%}"
    console.print(
        f"{result['concerns']} concerns: {result['planned']} change planned, "
        f"{result['made']} change made ({share} led to change)",
        markup=False,
    )
