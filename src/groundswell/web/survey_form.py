"""The wellbeing survey's questions and answers, shared by the signed-in form and personal links.

ONS4 is always asked, in ONS's published wording. SWEMWBS is asked only with
the wording the organisation provides under its Warwick licence
(``GROUNDSWELL_SWEMWBS_WORDING``, read by ``measures.swemwbs_wording``); without
it the form says so plainly and no SWEMWBS answer is read or stored.
"""

from __future__ import annotations

from typing import Any

from groundswell.app import App
from groundswell.measures import instruments as ins
from groundswell.measures.swemwbs_wording import NOT_SET_UP, WordingState, wording_state

# ONS's published wording of the four personal well-being questions (ONS, "Personal
# well-being user guidance"), asked in this order on a scale of 0 (not at all) to 10 (completely).
ONS4_WORDING = (
    ("satisfaction", "Overall, how satisfied are you with your life nowadays?"),
    ("worthwhile", "Overall, to what extent do you feel that the things you do in your life "
                   "are worthwhile?"),
    ("happy", "Overall, how happy did you feel yesterday?"),
    ("anxious", "Overall, how anxious did you feel yesterday?"),
)  # fmt: skip


def wording_of(gs: App) -> WordingState:
    return wording_state(gs.settings.swemwbs_wording)


def questions(wording: WordingState) -> dict[str, Any]:
    """What ``measures/_questions.html`` needs to show the questions."""
    labels = wording.wording.answers if wording.wording else ()
    return {
        "ons4": ONS4_WORDING,
        "ons4_choices": [(str(v), str(v)) for v in range(11)],
        "wording": wording,
        "swemwbs_choices": [(str(i), label) for i, label in enumerate(labels, 1)],
        "not_set_up": NOT_SET_UP,
    }


def read_answers(
    given: dict[str, str], wording: WordingState, errors: dict[str, str]
) -> tuple[list[str], list[str] | None]:
    """ONS4 answers and SWEMWBS answers (None without wording); a missing one goes in ``errors``."""
    ons = [given.get(f"ons4-{q}", "") for q, _ in ONS4_WORDING]
    for (q, _), v in zip(ONS4_WORDING, ons, strict=True):
        if not v:
            errors[f"ons4-{q}"] = f"Choose a number from 0 to 10 for the {q} question"
    if wording.wording is None:
        return ons, None
    swe = [given.get(f"swemwbs-{i}", "") for i in range(1, ins.SWEMWBS_ITEMS + 1)]
    for i, v in enumerate(swe, 1):
        if not v:
            errors[f"swemwbs-{i}"] = f"Choose an answer for statement {i}"
    return ons, swe
