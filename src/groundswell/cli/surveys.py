"""``groundswell surveys ...``: relationship surveys, their links, paper answers and typed names."""

from __future__ import annotations

import io
import os
from pathlib import Path

import typer

from groundswell.actions.audit import operator
from groundswell.actions.relationship_surveys import (
    QuestionSpec,
    SurveyOverview,
    do_add_person,
    do_close_survey,
    do_create_survey,
    do_dismiss,
    do_issue_links,
    do_match,
    import_answers,
    list_surveys,
    pending_names,
    survey_overview,
)
from groundswell.cli.database import opened_app
from groundswell.cli.main import app
from groundswell.cli.options import ACTOR_OPTION, FILE_ARGUMENT, JSON_OPTION
from groundswell.cli.output import print_json, say
from groundswell.csvsafe import write_private, writer
from groundswell.errors import InvalidInput
from groundswell.measures.suppression import show
from groundswell.settings import load_settings
from groundswell.wording import plural

surveys_app = typer.Typer(
    help="Relationship surveys: who people talk to, by personal link; links, answers, names.",
    no_args_is_help=True,
)
app.add_typer(surveys_app, name="surveys")

SLUG_ARGUMENT = typer.Argument(..., help="The survey's slug.")


@surveys_app.command("create")
def create(
    slug: str = SLUG_ARGUMENT,
    title: str = typer.Option(..., "--title", help="Title shown to people."),
    question: list[str] = typer.Option(
        ..., "--question", help="A question, e.g. 'Who do you talk to about your health?'."
    ),
    tie_kind: list[str] = typer.Option(
        ..., "--tie-kind", help="The kind of tie its answers write, one per --question."
    ),
    max_answers: list[int] = typer.Option(
        [], "--max-answers", help="Most names per question: once for all, or once per question."
    ),
    intro: str = typer.Option("", "--intro", help="A few words shown before the questions."),
    town: str | None = typer.Option(None, "--town", help="Ask only the people in this town."),
    team: str | None = typer.Option(None, "--team", help="Ask only the people in this team."),
    both_ways: bool = typer.Option(
        False, "--both-ways", help="Nominations may be read as ties both ways (said on results)."
    ),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Create a survey: each --question with its --tie-kind, in the same order."""
    if len(question) != len(tie_kind):
        raise InvalidInput(
            f"--tie-kind: give one for each --question ({len(question)} questions, "
            f"{len(tie_kind)} tie kinds)"
        )
    if len(max_answers) not in (0, 1, len(question)):
        raise InvalidInput("--max-answers: give it once for every question, or once per question")
    caps: list[int | None] = [None] * len(question)
    for i in range(len(question)):
        if max_answers:
            caps[i] = max_answers[0] if len(max_answers) == 1 else max_answers[i]
    specs = [QuestionSpec(q, k, c) for q, k, c in zip(question, tie_kind, caps, strict=True)]
    with opened_app() as instance:
        made = do_create_survey(
            instance, slug=slug, title=title, questions=specs, intro=intro,
            audience_town=town, audience_team=team, both_ways=both_ways,
            actor=actor or operator(),
        )  # fmt: skip
    if json_out:
        print_json(made.to_dict())
        return
    say(f"Created survey {made.slug} ({made.title}): ties of kind {', '.join(made.tie_kinds)}.")
    say(f"Next: groundswell surveys links {made.slug} --out links.csv")


@surveys_app.command("links")
def links(
    slug: str = SLUG_ARGUMENT,
    out: Path = typer.Option(..., "--out", help="CSV file to write: person, name, town, link."),
    base_url: str | None = typer.Option(
        None, "--base-url", help="The site's address (default: GROUNDSWELL_BASE_URL)."
    ),
    reissue: bool = typer.Option(
        False, "--reissue", help="New links for everyone; their old links stop working."
    ),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Issue personal links to everyone asked who has none, and write them to --out.

    Each link is shown only here, once: keep the file safe, and hand each
    person their own link. The file is readable by you alone.
    """
    folder = out.resolve().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InvalidInput(f"--out: cannot write in {folder}; choose a folder you can write to")
    base = (base_url or load_settings().base_url).rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise InvalidInput(f"--base-url: '{base}' is not a web address; start it with https://")
    with opened_app() as instance:
        issued = do_issue_links(instance, slug, actor=actor or operator(), reissue=reissue)
    text = io.StringIO()
    rows = writer(text, lineterminator="\n")
    rows.writerow(["person", "name", "town", "link"])
    rows.writerows([x.person_ref, x.display_name, x.town, f"{base}/s/{x.token}"] for x in issued)
    write_private(out, text.getvalue())
    if json_out:
        print_json({"survey": slug, "links": len(issued), "out": str(out)})
        return
    say(f"{plural(len(issued), 'new link')} written to {out}.")
    if not issued and not reissue:
        say("Everyone asked already has a link; --reissue gives everyone a new one.")


@surveys_app.command("import")
def import_(
    slug: str = SLUG_ARGUMENT,
    file: Path = FILE_ARGUMENT,
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Import answers collected on paper: columns respondent, tie_kind, nominee (all or nothing).

    The nominee is a person's id or a name as written; a name that is not
    exactly one person's waits for you in 'surveys show'.
    """
    with opened_app() as instance:
        summary = import_answers(instance, slug, file, actor=actor or operator())
    if json_out:
        print_json(summary.to_dict())
        return
    say(
        f"{slug}: answers from {plural(summary.respondents, 'person', 'people')}; "
        f"{summary.matched} matched, {summary.suggested} with suggestions, "
        f"{summary.unmatched} unmatched."
    )


@surveys_app.command("match")
def match(
    slug: str = SLUG_ARGUMENT,
    name: str = typer.Argument(..., help="The name as typed (see 'surveys show')."),
    person: str = typer.Argument(..., metavar="PERSON_ID", help="The person it names."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Match a typed name to a person: its nominations become ties."""
    with opened_app() as instance:
        written = do_match(instance, slug, name, person, actor=actor or operator())
    if json_out:
        print_json({"survey": slug, "name": name, "person": person, "ties": written})
        return
    say(f"'{name}' is {person}: {plural(written, 'tie')} written.")


@surveys_app.command("add-person")
def add_person(
    slug: str = SLUG_ARGUMENT,
    name: str = typer.Argument(..., help="The name as typed (see 'surveys show')."),
    town: str | None = typer.Option(None, "--town", help="The new person's town."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Add a typed name as a new person on the roster, and match it."""
    with opened_app() as instance:
        ref = do_add_person(instance, slug, name, actor=actor or operator(), town=town)
    if json_out:
        print_json({"survey": slug, "name": name, "person": ref})
        return
    say(f"Added '{name}' as {ref}.")


@surveys_app.command("dismiss")
def dismiss(
    slug: str = SLUG_ARGUMENT,
    name: str = typer.Argument(..., help="The name as typed (see 'surveys show')."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Dismiss a typed name that names nobody to record; it writes no tie."""
    with opened_app() as instance:
        count = do_dismiss(instance, slug, name, actor=actor or operator())
    if json_out:
        print_json({"survey": slug, "name": name, "dismissed": count})
        return
    say(f"'{name}' dismissed ({plural(count, 'nomination')}).")


@surveys_app.command("close")
def close(
    slug: str = SLUG_ARGUMENT,
    reopen: bool = typer.Option(False, "--reopen", help="Open a closed survey again."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Close a survey: its links then take no more answers (--reopen opens it again)."""
    with opened_app() as instance:
        summary = do_close_survey(instance, slug, actor=actor or operator(), reopen=reopen)
    if json_out:
        print_json(summary.to_dict())
        return
    say(f"{summary.slug} is {summary.status}.")


@surveys_app.command("list")
def list_(json_out: bool = JSON_OPTION) -> None:
    """Every survey, newest first: status, tie kinds, links issued and answers."""
    with opened_app() as instance:
        surveys = list_surveys(instance)
    if json_out:
        print_json([s.to_dict() for s in surveys])
        return
    say(f"Surveys: {len(surveys)}")
    for s in surveys:
        say(
            f"  {s.slug}\t{s.status}\t{', '.join(s.tie_kinds)}\t"
            f"links {s.links_issued}, answered {show(s.answered)}\t{s.title}"
        )


@surveys_app.command("show")
def show_(
    slug: str = SLUG_ARGUMENT,
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """A survey's response rates (overall, by town, by team), ties, and names waiting."""
    with opened_app() as instance:
        overview = survey_overview(instance, slug)
        waiting = pending_names(instance, slug, actor=actor or operator())
    if json_out:
        print_json({**overview.to_dict(), "pending": [p.to_dict() for p in waiting]})
        return
    _print_overview(overview)
    say(f"Names waiting: {len(waiting)}")
    for p in waiting:
        offers = "; ".join(
            f"{s.display_name} ({s.ref}, {s.town or 'no town'}) {s.score:.0f}"
            for s in p.suggestions
        )
        say(f"  '{p.name}'\t{p.tie_kind}\t{plural(p.nominations, 'nomination')}\t"
            f"{offers or 'no likely match'}")  # fmt: skip
    if waiting:
        say(f"Resolve with: groundswell surveys match|add-person|dismiss {slug} NAME ...")


def _print_overview(o: SurveyOverview) -> None:
    asked = ", ".join(x for x in (o.audience_town, o.audience_team) if x) or "everyone"
    say(f"{o.title} ({o.slug}), {o.status}; asked: {asked}")
    say(f"How to read it: {o.both_ways_note}.")
    for q in o.questions:
        cap = f", up to {q.max_answers}" if q.max_answers else ""
        say(f"  {q.tie_kind}: {q.text}{cap}")
    say(
        f"Links issued {o.links_issued}, answered {show(o.answered)}, "
        f"response rate {_percent(o.response_rate.value, show(o.response_rate))}"
    )
    for heading, rows in (("By town", o.by_town), ("By team", o.by_team)):
        if not rows:
            continue
        say(f"{heading}:")
        for r in rows:
            rate = _percent(r.rate.value, show(r.rate))
            say(f"  {r.group}\tlinks {show(r.issued)}\tanswered {show(r.answered)}\trate {rate}")
    ties = ", ".join(f"{k} {n}" for k, n in o.ties_by_kind.items())
    say(f"Ties written: {ties}")


def _percent(value: object, shown: str) -> str:
    return f"{value * 100:.0f}%" if isinstance(value, float) else shown
