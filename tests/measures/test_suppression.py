"""Primary and secondary suppression: no hidden cell comes back by one subtraction."""

from __future__ import annotations

from itertools import accumulate, pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.measures import suppression as sup
from groundswell.measures.suppression import MIN_CELL, SECONDARY, SMALL_CELL, Cell

counts = st.lists(st.integers(0, 60), min_size=1, max_size=8)


def _small(n: int) -> bool:
    return 0 < n < MIN_CELL


@settings(max_examples=400, deadline=None)
@given(counts, st.data())
def test_finding_5_no_hidden_cell_is_the_total_minus_the_shown(cells: list[int], data) -> None:
    unpublished = data.draw(st.sets(st.sampled_from(range(len(cells)))))
    p = sup.protect(cells, unpublished=unpublished)
    shown = [i for i in range(len(cells)) if i not in p.hidden]
    assert unpublished <= p.hidden
    assert all(cells[i] >= MIN_CELL for i in shown)
    if not p.total_hidden:
        assert sum(cells) >= MIN_CELL
        rest = sum(cells) - sum(cells[i] for i in shown)  # what one subtraction gives
        assert not _small(rest)
        assert not any(_small(cells[i]) and rest == cells[i] for i in p.hidden)
    else:
        # Nothing shown is left to hide: every cell is hidden with the total.
        assert sum(cells) < MIN_CELL or not shown


def _rising(draw_from: st.DrawFn, periods: int) -> list[int]:
    steps = draw_from(st.lists(st.integers(0, 25), min_size=periods, max_size=periods))
    return list(accumulate(steps))


@st.composite
def running_tables(draw: st.DrawFn) -> dict[str, list[int]]:
    periods = draw(st.integers(2, 7))
    parts = draw(st.integers(1, 4))
    return {f"town{i}": _rising(draw, periods) for i in range(parts)}


def _shown(cells: list[Cell], counts: list[int]) -> list[tuple[int, int]]:
    return [(t, counts[t]) for t, c in enumerate(cells) if not c.suppressed]


@settings(max_examples=300, deadline=None)
@given(running_tables())
def test_finding_5_running_counts_give_no_small_change_by_subtraction(
    table: dict[str, list[int]],
) -> None:
    r = sup.running(table)
    total = [sum(col) for col in zip(*table.values(), strict=True)]
    series = {**{k: (r.levels[k], v[1:]) for k, v in table.items()},
              "total": (r.total_levels, total[1:])}  # fmt: skip
    for cells, values in series.values():
        for c, v in zip(cells, values, strict=True):
            assert c.suppressed or c.value == v
        # Month against month: two shown ends differ by none or at least MIN_CELL.
        ends = [0, *(v for _, v in _shown(cells, values))]
        assert all(b - a >= MIN_CELL for a, b in pairwise(ends))
    for t in range(len(total) - 1):
        # Town against all towns: the hidden towns' change since their last shown end.
        if r.total_levels[t].suppressed:
            continue
        rest = 0
        for k, v in table.items():
            if r.levels[k][t].suppressed:
                # The baseline is known too where the first change is shown.
                known = [v[0]] if not r.changes[k][0].suppressed else [0]
                known += [n for _, n in _shown(r.levels[k][:t], v[1:])]
                rest += v[t + 1] - known[-1]
        assert not _small(rest)
    for t in range(len(total) - 1):
        # A month's change: all towns' minus the shown towns' is none or at least MIN_CELL.
        if r.total_changes[t].suppressed:
            continue
        hidden = sum(v[t + 1] - v[t] for k, v in table.items() if r.changes[k][t].suppressed)
        assert not _small(hidden)
        for k, v in table.items():
            c = r.changes[k][t]
            assert c.suppressed or c.value == v[t + 1] - v[t] >= MIN_CELL


def test_finding_5_heysham_30_then_31_hides_the_one_joiner() -> None:
    r = sup.running({"Heysham": [0, 30, 31, 45], "Lancaster": [0, 200, 260, 300]})
    assert [sup.show(c) for c in r.levels["Heysham"]] == ["30", SMALL_CELL, "45"]
    assert [sup.show(c) for c in r.changes["Heysham"]] == ["30", SMALL_CELL, SECONDARY]
    # Lancaster's 260 would give Heysham's 31 as the total minus Lancaster.
    assert r.levels["Lancaster"][1].reason == SECONDARY
    assert [c.value for c in r.total_levels] == [230, 291, 345]


def test_finding_5_one_small_town_hides_the_next_smallest() -> None:
    parts = {"Big": [Cell(40, 40)], "Mid": [Cell(12, 12)], "Small": [sup.cell(4, 4)]}
    people = {"Big": [40], "Mid": [12], "Small": [4]}
    shown, whole = sup.across(parts, people, [Cell(56, 56)])
    assert [sup.show(shown[k][0]) for k in parts] == ["40", SECONDARY, SMALL_CELL]
    assert whole[0].value == 56
    # People with no town (unpublished) cover the small town when there are 10 of them.
    shown, _ = sup.across({**parts, None: [Cell(10, 10)]}, {**people, None: [10]},
                          [Cell(66, 66)], unpublished=[None])  # fmt: skip
    assert shown["Mid"][0].value == 12


def test_finding_5_two_small_cells_that_add_up_to_under_10_hide_a_third() -> None:
    assert sup.protect([3, 4, 25, 30]).hidden == {0, 1, 2}
    assert sup.protect([0, 25, 30]).hidden == {0}  # a hidden 0 protects no one
    assert sup.protect([4, 3]).total_hidden
