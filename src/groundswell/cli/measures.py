"""``groundswell measures score|import|report|links|wording``: wellbeing instruments and outcomes.

``links`` writes a CSV of personal survey links (``/w/TOKEN``, answered
without an account) for the people who agreed to be contacted; ``wording``
checks the organisation's SWEMWBS wording file; ``report`` ends with the
movement's means beside published national figures.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import typer
from rich.table import Table

from groundswell.actions.audit import operator
from groundswell.actions.measures import (
    do_import_surveys,
    outcome_csv,
    outcome_report,
    outcome_rows,
)
from groundswell.actions.wellbeing_links import LINK_DAYS, do_issue_links, link_rows
from groundswell.actions.wellbeing_norms import NormsReport, movement_norms
from groundswell.cli.database import opened_app
from groundswell.cli.importing import run_import
from groundswell.cli.main import app
from groundswell.cli.options import ACTOR_OPTION, FILE_ARGUMENT, JSON_OPTION, UPDATE_OPTION
from groundswell.cli.output import console, print_json, say
from groundswell.csvsafe import write_private, writer
from groundswell.errors import ConfigError, InvalidInput
from groundswell.measures import instruments as ins
from groundswell.measures.suppression import show
from groundswell.measures.swemwbs_wording import load_wording
from groundswell.settings import load_settings

measures_app = typer.Typer(
    help="Score wellbeing instruments (SWEMWBS, ONS4), import answers, issue survey links, "
    "report change.",
    no_args_is_help=True,
)
app.add_typer(measures_app, name="measures")


@measures_app.command("score")
def score(
    instrument: str = typer.Argument(..., help="swemwbs (7 answers 1-5) or ons4 (4, 0-10)."),
    answers: list[str] = typer.Argument(..., help="The answers in item order."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Score one set of answers: SWEMWBS raw and metric score; ONS4 each answer with its band."""
    result = ins.score(instrument.lower(), answers).to_dict()
    if json_out:
        print_json(result)
    elif instrument.lower() == ins.SWEMWBS:
        console.print(f"SWEMWBS raw {result['raw']}, metric {result['metric']:.2f}")
    else:
        for question in ins.ONS4_QUESTIONS:
            item = result[question]
            console.print(f"{question:<13} {item['score']:>2}  {item['band']}")


@measures_app.command("import")
def import_surveys(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Columns: person, instrument (swemwbs|ons4), date (YYYY-MM-DD), consent (yes),
    mode (online|paper|phone|in_person), item1..item7 (ONS4: item1..item4)."""
    run_import(do_import_surveys, file, update, json_out)


@measures_app.command("report")
def report(
    instrument: str = typer.Option("swemwbs", "--instrument", help="swemwbs or ons4."),
    measure: str | None = typer.Option(
        None, "--measure", help="swemwbs: metric; ons4: satisfaction, worthwhile, happy, anxious."
    ),
    campaign: str | None = typer.Option(
        None, "--campaign", help="Taking part means this campaign (default: any campaign)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap resampling."),
    boot: int = typer.Option(2000, "--boot", help="Bootstrap resamples."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Write the table to this CSV file."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Within-person change with 95% intervals: everyone, took part or not, by town.
    Cells under 10 people and change over fewer than 30 people are suppressed."""
    with opened_app() as instance:
        result = outcome_report(
            instance, instrument=instrument.lower(), measure=measure, campaign=campaign,
            seed=seed, n_boot=boot,
        )  # fmt: skip
        norms = movement_norms(instance)
    if csv_out is not None:
        write_private(csv_out, outcome_csv(result))
    if json_out:
        print_json({**result.to_dict(), "norms": norms.to_dict()})
        return
    if csv_out is None and not sys.stdout.isatty():
        writer(sys.stdout, lineterminator="\n").writerows(outcome_rows(result))
        return
    rows = outcome_rows(result)
    table = Table(title=f"{result.instrument} {result.measure}: change", title_justify="left")
    for column in rows[0]:
        table.add_column(column.replace("_", " "))
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)
    console.print(result.caveat, markup=False)
    _print_norms(norms)


def _print_norms(report: NormsReport) -> None:
    table = Table(title="Beside national figures", title_justify="left")
    for column in ("measure", "movement mean", "95% interval", "national", "who and when"):
        table.add_column(column)
    for national, ours in report.rows():
        table.add_row(
            f"{national.instrument} {national.measure}", show(ours.mean), show(ours.interval),
            f"{national.value:g}", f"{national.population}, {national.year}",
        )  # fmt: skip
    console.print(table)
    console.print(report.caveat, markup=False)
    for source, url in report.sources():
        say(f"Source: {source}. {url}")


@measures_app.command("links")
def links(
    out: Path = typer.Option(..., "--out", help="The CSV file to write (replaced if it exists)."),
    campaign: str | None = typer.Option(
        None, "--campaign", help="Only its people (who joined or logged days in it)."
    ),
    team: str | None = typer.Option(None, "--team", help="Only this team of --campaign."),
    town: str | None = typer.Option(None, "--town", help="Only people in this town."),
    base_url: str | None = typer.Option(
        None, "--base-url", help="The site's address in the links (default GROUNDSWELL_BASE_URL)."
    ),
    days: int = typer.Option(LINK_DAYS, "--days", help="Days each link lasts (1-365)."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Personal links to the wellbeing survey, answered once without an account, for each
    person who agreed to be contacted; columns person, display_name, email, link, expires.
    Earlier unused links of the same people and campaign stop working."""
    if not out.parent.is_dir():
        raise InvalidInput(f"{out}: the folder {out.parent} does not exist; choose another --out")
    with opened_app() as instance:
        address = _base_url(base_url or instance.settings.base_url)
        wording = instance.settings.swemwbs_wording
        issued = do_issue_links(
            instance, actor=actor or operator(), campaign=campaign, town=town, team=team,
            days=days,
        )  # fmt: skip
    write_private(out, _csv_text(link_rows(issued, address)))
    asks = "ONS4 and SWEMWBS" if wording is not None else "ONS4 only (no SWEMWBS wording set)"
    if json_out:
        print_json({"links": len(issued), "out": str(out), "asks": asks,
                    "expires": issued[0].expires_at.isoformat() if issued else None})  # fmt: skip
        return
    count = f"{len(issued)} link{'s' if len(issued) != 1 else ''}"
    say(f"Wrote {count} to {out}; the survey asks {asks}.")
    if not issued:
        say("Nobody chosen has agreed to be contacted, so the file holds the header only.")


def _base_url(text: str) -> str:
    # The same check as GROUNDSWELL_BASE_URL, so a typo cannot fill a file with dead links.
    try:
        return load_settings({}, base_url=text).base_url
    except ConfigError:  # it names the setting; name the option instead
        raise InvalidInput(
            f"--base-url '{text}' is not a web address; give one such as https://example.org"
        ) from None


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@measures_app.command("wording")
def wording(json_out: bool = JSON_OPTION) -> None:
    """Check the SWEMWBS wording file named by GROUNDSWELL_SWEMWBS_WORDING (TOML or JSON with
    preamble, 7 items, 5 answers and copyright); a problem names the file and field."""
    path = load_settings().swemwbs_wording
    if path is None:
        raise InvalidInput(
            "GROUNDSWELL_SWEMWBS_WORDING is not set: the survey asks ONS4 only; set it to "
            "your organisation's licensed wording file (see the wellbeing guide)"
        )
    found = load_wording(path)
    if json_out:
        print_json({"file": str(path), "items": len(found.items), "answers": list(found.answers),
                    "copyright": found.copyright})  # fmt: skip
        return
    say(f"{path}: 7 statements, answers {' / '.join(found.answers)}; shown with: {found.copyright}")
