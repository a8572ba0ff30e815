"""Outcome statistics against scipy and hand-computed cases; small numbers always hidden."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy import stats

from groundswell.errors import InvalidInput
from groundswell.measures import outcomes, suppression
from groundswell.measures.outcomes import compare_changes, outcome_report, paired_change
from groundswell.measures.suppression import FEW_PAIRED, SMALL_CELL, Cell, cell, change_cell, show


def test_paired_change_by_hand() -> None:
    # Changes 2, 1, 3, 1: mean 1.75, sd sqrt(0.9166...) ; t(3, 0.975) = 3.182446
    r = paired_change([20, 22, 19, 25], [22, 23, 22, 26], seed=1)
    assert (r.n, r.mean_before, r.mean_after, r.mean_change) == (4, 21.5, 23.25, 1.75)
    sd = np.sqrt(((0.25**2) * 1 + 0.75**2 * 2 + 1.25**2) / 3)
    assert r.sd_change == pytest.approx(sd)
    half = 3.182446305284263 * sd / 2
    assert r.t_ci == pytest.approx((1.75 - half, 1.75 + half))


def test_t_interval_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    before = rng.normal(23, 3.5, 200)
    after = before + rng.normal(0.8, 2.5, 200)
    r = paired_change(before, after, seed=3)
    ci = stats.ttest_rel(after, before).confidence_interval(0.95)
    assert r.t_ci == pytest.approx((ci.low, ci.high), rel=1e-12)


def test_bootstrap_is_the_percentile_interval_of_resampled_means() -> None:
    rng = np.random.default_rng(11)
    before = rng.normal(23, 3.5, 120)
    after = before + rng.normal(1.0, 3.0, 120)
    r = paired_change(before, after, seed=5, n_boot=4000)
    # Same draws by hand (Efron & Tibshirani 1993, ch. 13): resample people, take percentiles.
    d = after - before
    draws = np.random.default_rng(np.random.SeedSequence(5)).integers(0, 120, size=(4000, 120))
    means = d[draws].mean(axis=1)
    assert r.bootstrap_ci == pytest.approx(tuple(np.quantile(means, [0.025, 0.975])))
    # ... and agrees with scipy's percentile bootstrap to within resampling noise.
    ref = stats.bootstrap((d,), np.mean, method="percentile", n_resamples=4000, random_state=1)
    assert r.bootstrap_ci[0] == pytest.approx(ref.confidence_interval.low, abs=0.1)
    assert r.bootstrap_ci[1] == pytest.approx(ref.confidence_interval.high, abs=0.1)
    # Close to the t interval for well-behaved data.
    assert r.bootstrap_ci == pytest.approx(r.t_ci, abs=0.15)


def test_bootstrap_is_reproducible_from_the_seed_and_chunking_does_not_matter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, after = np.arange(50.0), np.arange(50.0) + np.sin(np.arange(50.0))
    first = paired_change(before, after, seed=9)
    assert paired_change(before, after, seed=9) == first
    assert paired_change(before, after, seed=10).bootstrap_ci != first.bootstrap_ci
    monkeypatch.setattr(outcomes, "_CHUNK", 50 * 7)  # seven resamples at a time
    assert paired_change(before, after, seed=9) == first


def test_compare_changes_matches_welch_in_scipy() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.normal(1.2, 3.0, 80), rng.normal(0.3, 2.0, 140)
    c = compare_changes(a, b, seed=4)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert c.difference == pytest.approx(a.mean() - b.mean())
    assert c.t_ci == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert c.bootstrap_ci == pytest.approx(c.t_ci, abs=0.25)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: paired_change([1, 2], [1]), "pair them one to one"),
        (lambda: paired_change([1], [2]), "at least 2 people"),
        (lambda: paired_change([1, np.nan], [2, 3]), "finite numbers"),
        (lambda: paired_change([1, 2], [2, 3], n_boot=10), "at least 100"),
        (lambda: compare_changes([1.0], [1.0, 2.0]), "each group"),
        (lambda: paired_change([1, 2], [2, 3], seed=-1), "non-negative"),
    ],
)
def test_invalid_arguments(call, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        call()


def test_pairs_are_first_and_last_time_point() -> None:
    pairs = outcomes.pair_time_points(
        ["a", "a", "a", "b", "c", "c"],
        [date(2024, 5, 1), date(2024, 1, 1), date(2024, 3, 1), date(2024, 1, 1),
         date(2024, 1, 1), date(2024, 1, 1)],
        [30.0, 20.0, 25.0, 22.0, 1.0, 2.0],
    )  # fmt: skip
    assert pairs == {"a": (20.0, 30.0)}  # b has one date; c answered twice on one date


# --- suppression ---


@pytest.mark.parametrize(("n", "hidden"), [(0, True), (9, True), (10, False), (11, False)])
def test_cell_threshold(n: int, hidden: bool) -> None:
    c = cell(1.5, n)
    assert c.suppressed is hidden
    assert (c.value, c.n) == ((None, None) if hidden else (1.5, n))
    assert show(c) == (SMALL_CELL if hidden else "1.5")


@pytest.mark.parametrize(
    ("n", "reason"), [(5, SMALL_CELL), (9, SMALL_CELL), (10, FEW_PAIRED), (29, FEW_PAIRED),
                      (30, None)],
)  # fmt: skip
def test_change_threshold(n: int, reason: str | None) -> None:
    c = change_cell(0.7, n)
    assert c.reason == reason
    assert c.value == (0.7 if reason is None else None)
    assert c.n == (None if n < 10 else n)


def test_constants_and_text() -> None:
    assert (suppression.MIN_CELL, suppression.MIN_PAIRED) == (10, 30)
    assert SMALL_CELL == "suppressed (<10)"
    assert show(Cell((1.23456, 2.5), 40)) == "[1.23, 2.5]"
    assert show(Cell(123456.5, 40)) == "123456.5"


def synthetic(groups: dict[str, tuple[int, int, bool]], seed: int = 0):
    """People per town: (with two time points, with one, took part)."""
    rng = np.random.default_rng(seed)
    person, day, value, took_part, towns = [], [], [], set(), {}
    for town, (paired, single, part) in groups.items():
        for i in range(paired + single):
            ref = f"{town}-{i}"
            towns[ref] = town
            if part:
                took_part.add(ref)
            base = float(rng.normal(23, 3))
            person.append(ref), day.append(date(2024, 1, 1)), value.append(base)
            if i < paired:
                person.append(ref), day.append(date(2024, 6, 1))
                value.append(base + float(rng.normal(1.0 if part else 0.2, 2)))
    return person, day, value, took_part, towns


def report(groups: dict[str, tuple[int, int, bool]]):
    person, day, value, took_part, towns = synthetic(groups)
    return outcome_report(
        person, day, value, instrument="swemwbs", measure="metric", took_part=took_part,
        towns=towns, seed=1, n_boot=200,
    )  # fmt: skip


def rows(r) -> dict[str, object]:
    return {row.group: row for row in r.rows}


def test_report_shows_change_from_30_paired() -> None:
    r = report({"Heysham": (20, 0, True), "Lancaster": (10, 5, False)})
    by = rows(r)
    assert by["everyone"].paired.value == 30 and by["everyone"].change.value is not None
    assert not by["everyone"].t_ci.suppressed and not by["everyone"].bootstrap_ci.suppressed
    # Took part: 20 paired -> count shown, change hidden (and so are the means at both times).
    took = by["took part"]
    assert took.paired.value == 20 and took.people.value == 20
    assert [getattr(took, k).reason for k in ("before", "after", "change", "t_ci")] == [
        FEW_PAIRED
    ] * 4
    assert by["town: Lancaster"].people.value == 15
    assert all(c.reason == FEW_PAIRED for c in r.comparison.values())
    assert r.caveat == outcomes.SELECTION_CAVEAT and "selection" in r.caveat


def test_report_hides_every_cell_under_10_and_one_more_in_the_split() -> None:
    r = report({"Heysham": (35, 0, True), "Morecambe": (31, 0, False), "Carnforth": (5, 3, False)})
    by = rows(r)
    carn = by["town: Carnforth"]
    assert all(getattr(carn, k).reason == SMALL_CELL for k in outcomes.CHANGE_COLUMNS)
    # Secondary: with one town hidden, the smallest other town is hidden too.
    assert by["town: Morecambe"].people.reason == suppression.SECONDARY
    assert by["town: Heysham"].change.value is not None
    # The comparison is shown: both groups have at least 30 people with two time points.
    assert by["did not take part"].paired.value == 36
    cmp = r.comparison
    assert cmp["difference"].value == pytest.approx(
        cmp["took_part"].value - cmp["did_not_take_part"].value
    )
    as_dict = r.to_dict()
    assert as_dict["thresholds"] == {"min_cell": 10, "min_paired": 30}
    assert as_dict["rows"][3]["people"] == {"value": None, "n": None, "reason": SMALL_CELL}


def test_split_with_one_small_group_hides_both() -> None:
    by = rows(report({"Heysham": (40, 0, False), "Morecambe": (4, 0, True)}))
    assert by["took part"].people.reason == SMALL_CELL
    assert by["did not take part"].people.reason == suppression.SECONDARY
    assert by["everyone"].paired.value == 44


def test_report_seed_reproducible() -> None:
    groups = {"Heysham": (40, 0, True), "Morecambe": (40, 0, False)}
    assert report(groups) == report(groups)
