"""Each movement indicator on a six-person case worked out by hand (see the comments)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from groundswell.network import from_networkx
from groundswell.roles import find_bridges, gather_evidence, make_activity
from groundswell.roles.indicators import gini, movement_indicators, top_share

# Path 0-1-2-3-4-5; communities {0,1,2} {3,4} {5}. Days count from 1970-01-01,
# so 1970-Q1 is days 0-89 and 1970-Q2 days 90-180.
ROWS = [
    (0, "recruited", 1, 0),
    (1, "recruited", 2, 5),
    (0, "led", 100, 1),  # action A: 1 and 2 come
    (1, "attended", 100, 1),
    (2, "attended", 100, 1),
    (0, "led", 101, 10),  # action B: 1 comes
    (1, "attended", 101, 10),
    (1, "hosted", 102, 20),  # action C: 2 comes
    (2, "attended", 102, 20),
    (3, "pledge_made", -1, 30),
    (3, "pledge_done", -1, 40),
    (4, "pledge_made", -1, 100),
]


@pytest.fixture(scope="module")
def case():
    graph = from_networkx(nx.path_graph(6))[0]
    person, kind, other, day = zip(*ROWS, strict=True)
    activity = make_activity(person, kind, other, day, n=6)
    bridges = find_bridges(graph, community=np.array([0, 0, 0, 1, 1, 2]))
    evidence = gather_evidence(graph, activity, bridges=bridges)
    return graph, activity, evidence


def test_evidence_by_hand(case):
    _, _, ev = case
    assert ev.recruited.tolist() == [1, 1, 0, 0, 0, 0]
    assert ev.developed.tolist() == [1, 0, 0, 0, 0, 0]  # 1 went on to recruit and host
    assert ev.descendants.tolist() == [2, 1, 0, 0, 0, 0]
    assert ev.turnout.tolist() == [3, 1, 0, 0, 0, 0]
    assert ev.mobilised.tolist() == [2, 1, 0, 0, 0, 0]  # 0: {1, 2}; 1: {2}
    assert ev.actions.tolist() == [2, 3, 2, 0, 0, 0]
    assert ev.ladder.tolist() == [4, 3, 1, 2, 2, 0]
    assert ev.tenure_days.tolist() == [10, 19, 19, 10, 0, 0]
    assert ev.reach2.tolist() == [2, 3, 4, 4, 3, 2]


def test_whole_record(case):
    ind = movement_indicators(*case)
    value = {name: item["value"] for name, item in ind.items()}
    # Actions led or hosted by the 5 active people: [2, 1, 0, 0, 0];
    # Gini = 2 (4*1 + 5*2) / (5*3) - 6/5 = 2/3.
    assert value["distributed_leadership"] == pytest.approx(1 / 3)
    assert value["led_outside_top_1pct"] == pytest.approx(1 / 3)  # top 1 person led 2 of 3
    assert value["top_3pct_share"] == pytest.approx(3 / 7)  # person 1: 3 of 7 actions
    assert value["leaders_per_100"] == pytest.approx(40.0)
    assert value["recruitment_depth"] == 2
    # Last day 100: 0, 1 and 2 have 90 days on record; 0 and 1 climbed, 2 did not.
    assert value["ladder_up_90d"] == pytest.approx(2 / 3)
    assert value["commitments_kept"] == pytest.approx(1 / 2)
    assert value["within_2_steps"] == pytest.approx(1.0)
    assert value["communities_without_active"] == 1


def test_by_quarter(case):
    ind = movement_indicators(*case, period="quarter")
    q1, q2 = ({name: item["over_time"][k]["value"] for name, item in ind.items()} for k in (0, 1))
    assert [p["period"] for p in ind["leaders_per_100"]["over_time"]] == [
        "1970-Q1",
        "1970-Q2",
    ]
    # Q1: active 0-3, led [2, 1, 0, 0]: Gini = 2 (3*1 + 4*2) / (4*3) - 5/4 = 7/12.
    assert q1["distributed_leadership"] == pytest.approx(5 / 12)
    assert q1["leaders_per_100"] == pytest.approx(50.0)
    assert q1["commitments_kept"] == pytest.approx(1.0)
    assert q1["communities_without_active"] == 1
    # Q2: only 4 is active (a pledge): nobody led; 2, 3, 4, 5 are within two steps.
    assert q2["distributed_leadership"] is None
    assert q2["top_3pct_share"] is None
    assert q2["leaders_per_100"] == 0.0
    assert q2["ladder_up_90d"] is None
    assert q2["commitments_kept"] == pytest.approx(0.5)
    assert q2["within_2_steps"] == pytest.approx(4 / 6)
    assert q2["communities_without_active"] == 2
    assert q2["recruitment_depth"] == 2


def test_gini_and_top_share_by_hand():
    assert gini(np.array([1, 1, 1, 1])) == pytest.approx(0.0)
    assert gini(np.array([0, 0, 0, 4])) == pytest.approx(0.75)
    assert gini(np.array([0, 0])) is None
    # 100 people: the top 3 hold 30 + 20 + 10 of 160.
    x = np.array([30, 20, 10] + [1] * 97)
    assert top_share(x, 0.03) == pytest.approx(60 / 157)
    assert top_share(np.array([5, 1]), 0.01) == pytest.approx(5 / 6)  # at least one person


def test_months_and_bad_period(case):
    ind = movement_indicators(*case, period="month")
    assert [p["period"] for p in ind["leaders_per_100"]["over_time"]] == [
        "1970-01",
        "1970-02",
        "1970-03",
        "1970-04",
    ]
    from groundswell.errors import InvalidInput

    with pytest.raises(InvalidInput, match="period must be one of"):
        movement_indicators(*case, period="week")


def test_distributed_leadership_is_undefined_when_nobody_led() -> None:
    from groundswell.roles.indicators import distributed_leadership

    assert distributed_leadership(np.zeros(12, np.int64)) is None  # nothing to measure
    assert distributed_leadership(np.array([], np.int64)) is None
    assert distributed_leadership(np.array([3, 3, 3])) == pytest.approx(1.0)
    # Damgaard & Weiner's G for [0, 1, 2]: 2 * (0 + 2 + 6) / (3 * 3) - 4 / 3 = 4 / 9.
    assert distributed_leadership(np.array([2, 0, 1])) == pytest.approx(1 - 4 / 9)


def test_leadership_in_window_counts_active_people_and_their_actions() -> None:
    from groundswell.roles.activity import ATTENDED, HOSTED, LED, Activity
    from groundswell.roles.indicators import leadership_in_window

    rows = [(0, LED, 10.0), (0, LED, 11.0), (1, HOSTED, 12.0), (2, ATTENDED, 12.0),
            (3, LED, 50.0)]  # fmt: skip
    activity = Activity(
        np.array([r[0] for r in rows], np.int32), np.array([r[1] for r in rows], np.int8),
        np.full(len(rows), -1, np.int64), np.array([r[2] for r in rows]),
    )  # fmt: skip
    value, people = leadership_in_window(activity, 5, 0.0, 20.0)
    assert people == 3  # 0, 1 and 2; 3 led outside the window, 4 did nothing
    assert value == pytest.approx(1 - (2 * (0 + 2 + 6) / (3 * 3) - 4 / 3))
    among = np.array([False, False, True, True, True])
    assert leadership_in_window(activity, 5, 0.0, 20.0, among) == (None, 1)
