"""The movement's means beside the national figures, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy import stats

from groundswell.actions.wellbeing_norms import movement_norms
from groundswell.app import App
from groundswell.measures import instruments as ins
from groundswell.store.models import Instrument, Person, SurveyResponse


def add_answers(gs: App) -> None:
    """12 people in Ashby and 3 in Bexley; each answered twice, and the later answer counts."""
    with gs.transaction() as s:
        people = [Person(ref=f"a{i}", town="Ashby") for i in range(12)]
        people += [Person(ref=f"b{i}", town="Bexley") for i in range(3)]
        s.add_all(people)
        s.flush()
        for i, p in enumerate(people):
            for day, bump in ((date(2026, 1, 5), 0), (date(2026, 6, 5), 1)):
                s.add(
                    SurveyResponse(
                        person_id=p.id,
                        instrument=Instrument.ONS4,
                        answered_on=day,
                        answers=[i % 5 + 5 * bump, 7, 7, 2],
                    )
                )
                s.add(SurveyResponse(person_id=p.id, instrument=Instrument.SWEMWBS,
                                     answered_on=day, answers=[2 + bump + i % 3] * 7))  # fmt: skip


def test_means_of_latest_answers_with_t_intervals(db_app: App) -> None:
    add_answers(db_app)
    report = movement_norms(db_app)
    rows = {(n.instrument, n.measure): f for n, f in report.rows()}
    satisfaction = np.array([i % 5 + 5 for i in range(15)], dtype=float)
    ours = rows[("ons4", "satisfaction")]
    assert ours.mean.n == 15 and ours.mean.value == pytest.approx(satisfaction.mean(), abs=0.005)
    half = stats.t.ppf(0.975, 14) * satisfaction.std(ddof=1) / np.sqrt(15)
    low, high = ours.interval.value
    assert low == pytest.approx(satisfaction.mean() - half, abs=0.005)
    assert high == pytest.approx(satisfaction.mean() + half, abs=0.005)
    metric = [ins.score_swemwbs([3 + i % 3] * 7).metric for i in range(15)]
    assert rows[("swemwbs", "metric")].mean.value == pytest.approx(np.mean(metric), abs=0.005)
    assert "not a random sample" in report.caveat
    assert [r["national"]["value"] for r in report.to_dict()["rows"]][:2] == [23.7, 23.2]
    assert len(report.sources()) == 2


def test_fewer_than_ten_people_are_suppressed(db_app: App) -> None:
    add_answers(db_app)
    bexley = movement_norms(db_app, town="Bexley")
    assert all(f.mean.suppressed and f.interval.suppressed for _, f in bexley.rows())
    assert all(f.mean.n is None for _, f in bexley.rows())  # not even the count
    ashby = movement_norms(db_app, town="ashby")
    assert all(f.mean.n == 12 for _, f in ashby.rows())
