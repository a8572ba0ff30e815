"""``groundswell measures score|import|report``: wellbeing instruments and outcomes."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from groundswell.actions.measures import (
    do_import_surveys,
    outcome_csv,
    outcome_report,
    outcome_rows,
)
from groundswell.cli.database import opened_app
from groundswell.cli.importing import run_import
from groundswell.cli.main import app
from groundswell.cli.options import FILE_ARGUMENT, JSON_OPTION, UPDATE_OPTION
from groundswell.cli.output import console, print_json
from groundswell.csvsafe import write_private, writer
from groundswell.measures import instruments as ins

measures_app = typer.Typer(
    help="Score wellbeing instruments (SWEMWBS, ONS4), import answers, report change.",
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
    if csv_out is not None:
        write_private(csv_out, outcome_csv(result))
    if json_out:
        print_json(result.to_dict())
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
