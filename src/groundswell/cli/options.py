"""Options and arguments that several commands take, declared once so they read the same."""

from __future__ import annotations

import typer

JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON on stdout.")
UPDATE_OPTION = typer.Option(
    False, "--update", help="Change records already in the database instead of refusing."
)
FILE_ARGUMENT = typer.Argument(..., metavar="FILE.csv", help="CSV file (UTF-8) with a header line.")
FORCE_OPTION = typer.Option(False, "--force", help="Overwrite files already in the folder.")
ACTOR_OPTION = typer.Option(
    None, "--actor", help="Who is doing this, for the audit trail (default: your user name)."
)

# The spread model, shared by ``spread`` and ``seeds`` (see ``groundswell.spread.Model``).
MODEL_OPTION = typer.Option("ic", "--model", help="ic, wc, lt, complex, sir or direct.")
P_OPTION = typer.Option(None, "--p", help="Tie probability (ic, sir, direct).")
THRESHOLD_OPTION = typer.Option(None, "--threshold", help="complex: neighbours needed.")
FRACTION_OPTION = typer.Option(None, "--fraction", help="complex: share needed.")
RECOVERY_OPTION = typer.Option(None, "--recovery", help="sir: recovery per step.")
MAX_STEPS_OPTION = typer.Option(None, "--max-steps", help="Limit spread to N steps.")
DIRECTED_OPTION = typer.Option(False, "--directed", help="Edge lines are one-way ties.")
SEED_OPTION = typer.Option(0, "--seed", help="Random seed (the same seed gives the same answer).")
# The kinds of tie read from GRAPH db (``spread``, ``seeds``, ``roles``): repeatable, default all.
TIE_KIND_OPTION = typer.Option(
    None,
    "--tie-kind",
    help="With GRAPH db: read only ties of this kind (repeatable; default every kind).",
)
