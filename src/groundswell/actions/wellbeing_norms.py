"""The movement's wellbeing beside published national figures (``measures/data/norms.csv``).

For each measure with a national figure, the movement's figure is the mean of
each person's latest answer (everyone who answered, or a town's), with the
t interval the outcome report uses (``measures.outcomes.t_interval``); a mean
over fewer than 10 people is suppressed, as every aggregate is. The national
figure comes with its population, years and full citation, and the report
carries ``NOT_A_SAMPLE``: the people who answer chose to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select

from groundswell.actions import Database
from groundswell.measures import instruments as ins
from groundswell.measures import suppression
from groundswell.measures.norms import NOT_A_SAMPLE, Norm, national_norms
from groundswell.measures.outcomes import t_interval
from groundswell.store.models import Instrument, Person, SurveyResponse


@dataclass(frozen=True)
class MovementFigure:
    """The movement's mean of one measure, its 95% interval and the people behind it."""

    instrument: str
    measure: str
    mean: suppression.Cell
    interval: suppression.Cell

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "measure": self.measure,
                "mean": self.mean.to_dict(), "interval": self.interval.to_dict()}  # fmt: skip


@dataclass(frozen=True)
class NormsReport:
    town: str | None
    figures: dict[tuple[str, str], MovementFigure]
    norms: tuple[Norm, ...]
    caveat: str = NOT_A_SAMPLE

    def rows(self) -> list[tuple[Norm, MovementFigure]]:
        """Each national figure with the movement's figure of the same measure."""
        return [(n, self.figures[(n.instrument, n.measure)]) for n in self.norms]

    def sources(self) -> list[tuple[str, str]]:
        """Each cited source once, in the order the figures appear."""
        return list(dict.fromkeys((n.source, n.url) for n in self.norms))

    def to_dict(self) -> dict[str, Any]:
        return {
            "town": self.town,
            "caveat": self.caveat,
            "rows": [{"national": n.to_dict(), "movement": f.to_dict()} for n, f in self.rows()],
        }


def _latest_answers(db: Database, instrument: str, town: str | None) -> list[list[int]]:
    """Each person's latest answers to ``instrument`` (a town's people when given)."""
    with db.reading() as session:
        latest = (
            select(SurveyResponse.person_id, func.max(SurveyResponse.answered_on).label("day"))
            .where(SurveyResponse.instrument == Instrument(instrument))
            .group_by(SurveyResponse.person_id)
            .subquery()
        )
        query = select(SurveyResponse.answers).join(
            latest,
            (latest.c.person_id == SurveyResponse.person_id)
            & (latest.c.day == SurveyResponse.answered_on),
        )
        query = query.where(SurveyResponse.instrument == Instrument(instrument))
        if town is not None:
            query = query.join(Person, Person.id == SurveyResponse.person_id).where(
                func.lower(Person.town) == town.lower()
            )
        return [list(a) for a in session.scalars(query)]


def _figure(instrument: str, measure: str, answers: list[list[int]]) -> MovementFigure:
    values = np.array([ins.measure_value(instrument, measure, a) for a in answers], dtype=float)
    n = int(values.size)
    if n < suppression.MIN_CELL:
        hidden = suppression.cell(None, n)
        return MovementFigure(instrument, measure, hidden, hidden)
    low, high = t_interval(values)
    mean = round(float(values.mean()), 2)
    interval = (round(low, 2), round(high, 2))
    return MovementFigure(
        instrument, measure, suppression.cell(mean, n), suppression.cell(interval, n)
    )


def movement_norms(db: Database, *, town: str | None = None) -> NormsReport:
    """The movement's mean of every measure that has a national figure, beside it."""
    norms = national_norms()
    figures: dict[tuple[str, str], MovementFigure] = {}
    for instrument in sorted({n.instrument for n in norms}):
        answers = _latest_answers(db, instrument, town)
        for measure in sorted({n.measure for n in norms if n.instrument == instrument}):
            figures[(instrument, measure)] = _figure(instrument, measure, answers)
    return NormsReport(town, figures, norms)
