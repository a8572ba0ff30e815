"""A community conversation with planted opinion groups, Pol.is style.

Each participant belongs to one of three latent groups; each statement has a
mean stance per group in [-1, 1]. A vote is a pass with probability 0.12,
otherwise agree with probability ``logistic(3 * (stance + noise))``: some
statements split the groups, some are common ground, so opinion-group
analysis of the votes finds structure. ``pid`` and ``tid`` are Pol.is-style
integers in order of arrival and of posting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.demo import places

SLUG = "move-more-every-day"
TOPIC = "Moving more every day"
QUESTION = "What would help you move more every day in Morecambe Bay?"
OPENS = 335  # days after the period start: it ran and closed eleven to fourteen months ago
LENGTH = 90
STATEMENT_STATUSES: tuple[str, ...] = ("pending", "accepted", "rejected")
GROUP_SHARES = np.array([0.40, 0.35, 0.25])
PASS_RATE = 0.12
SEEDS = 8

# (statement, stance of group 0 "active travel", 1 "access and safety", 2 "busy families")
STATEMENTS: tuple[tuple[str, float, float, float], ...] = (
    ("Safe, well-lit paths along the promenade in winter", 0.8, 0.9, 0.6),
    ("More benches so I can rest on a longer walk", 0.3, 0.95, 0.2),
    ("Public toilets that are open all year", 0.5, 0.9, 0.4),
    ("Close the promenade road to cars on Sundays", 0.9, 0.1, -0.7),
    ("Protected cycle lanes between Morecambe and Lancaster", 0.9, -0.1, -0.4),
    ("Walking groups that go at a gentle pace", 0.2, 0.9, 0.1),
    ("Free parking near the start of the walks", -0.6, 0.5, 0.8),
    ("Walks I can do with a pushchair", 0.4, 0.2, 0.9),
    ("Activities after work, not just in the daytime", 0.5, -0.3, 0.9),
    ("A walking buddy to go with me", 0.3, 0.8, 0.2),
    ("Fewer cars outside schools at drop-off time", 0.9, 0.3, -0.5),
    ("Cheaper bus fares so I can reach the walks", 0.3, 0.7, 0.5),
    ("GP surgeries prescribing walks and local groups", 0.7, 0.6, 0.3),
    ("Lower speed limits in town centres", 0.9, 0.4, -0.6),
    ("Dog-friendly walking groups", 0.4, 0.3, 0.5),
    ("Information on step-free routes", 0.4, 0.9, 0.3),
    ("Keep the cycle path by the Lune clear of mud", 0.8, 0.2, 0.2),
    ("Workplaces giving time in the day for a walk", 0.7, 0.0, 0.8),
    ("More gritting of pavements in icy weather", 0.4, 0.9, 0.5),
    ("I don't need anyone to tell me to move more", -0.6, -0.2, 0.7),
    ("Challenges with friends, like a mile a day", 0.8, 0.1, 0.5),
    ("Fix the uneven pavements in the town centre", 0.6, 0.95, 0.6),
    ("Car-free school streets", 0.85, 0.2, -0.6),
    ("Ban cars from the seafront altogether", 0.7, -0.4, -0.9),
    ("Affordable swimming sessions", 0.4, 0.6, 0.7),
    ("Outdoor gym equipment in the parks", 0.5, 0.2, 0.6),
    ("Help for carers to get out for a walk", 0.5, 0.9, 0.5),
    ("Safer crossings on the main roads", 0.8, 0.8, 0.6),
    ("More police on quiet paths at night", 0.0, 0.8, 0.4),
    ("Maps of short walks from every GP practice", 0.6, 0.7, 0.4),
    ("Walking meetings at work", 0.6, -0.2, 0.4),
    ("Free bike loans", 0.8, -0.3, 0.2),
    ("Dance classes for older people", 0.1, 0.8, 0.0),
    ("I'm too busy to add anything to my day", -0.7, -0.3, 0.6),
    ("Family events on the beach at weekends", 0.5, 0.2, 0.9),
    ("Clean, safe parks", 0.7, 0.8, 0.8),
    ("Street lights staying on later", 0.3, 0.8, 0.5),
    ("Park-and-stride spaces near schools", 0.3, 0.2, 0.7),
    ("Community gardens to work in", 0.6, 0.5, 0.2),
    ("A charge for driving into Lancaster centre", 0.6, -0.5, -0.9),
    ("Hospital staff walking with patients on the wards", 0.6, 0.7, 0.3),
    ("Seating and shelter at bus stops", 0.2, 0.9, 0.3),
    ("Better signs for the coastal path", 0.6, 0.6, 0.5),
    ("Apps that count my steps", 0.4, -0.6, 0.5),
    ("Groups for men who don't usually join things", 0.5, 0.5, 0.3),
    ("Reliable trains to Grange and Arnside", 0.5, 0.4, 0.3),
    ("Short walks near where I live, not just the big routes", 0.4, 0.8, 0.7),
    ("Childcare during activity sessions", 0.3, 0.0, 0.9),
    ("More cycle parking in town", 0.85, -0.1, 0.0),
    ("Walking poles to borrow for free", 0.0, 0.6, -0.1),
)
REJECTED = (
    "Bring back the old pier",
    "The council never listens so why bother",
    "Personal training, ring 07700 900123",
)
PENDING = ("Sunrise yoga on the beach", "A Bay Mile for wheelchair users")

# The movement's next conversation, opened twelve days before the demo's today and
# still open: the one a visitor to the demo takes part in (seeds only, no votes yet;
# pre-moderated, so a visitor's own statement waits for a moderator).
LIVE_SLUG = "what-next-for-moving-more"
LIVE_TOPIC = "What next for moving more"
LIVE_QUESTION = "A Mile a Day Without Transport ends soon. What should the movement try next?"
LIVE_OPENS = places.DAYS - 12
LIVE_SEEDS = (
    "Run the mile a day challenge again next spring",
    "A walking group in every town, at a gentle pace",
    "Ask GP practices to prescribe the Bay Mile walks",
    "Make it a mile a week, so more people can join in",
    "Family challenges at weekends, not just on weekdays",
    "Step-free routes for people who use wheelchairs or pushchairs",
    "Put the money into safer crossings instead",
)


@dataclass(frozen=True, eq=False)
class ConversationData:
    """One conversation: participants by ``pid``, statements by ``tid``, votes."""

    opened_day: float
    closed_day: float
    participant_person: np.ndarray  # int32 person, -1 anonymous; index is pid
    participant_day: np.ndarray  # float64
    participant_group: np.ndarray  # int8 planted opinion group
    statement_text: list[str]  # index is tid
    statement_author: np.ndarray  # int32 pid, -1 for seed statements
    statement_status: np.ndarray  # int8 into STATEMENT_STATUSES
    statement_seed: np.ndarray  # bool
    statement_day: np.ndarray  # float64
    vote_pid: np.ndarray  # int32
    vote_tid: np.ndarray  # int32
    vote_value: np.ndarray  # int8: 1 agree, -1 disagree, 0 pass
    vote_day: np.ndarray  # float64


def participant_count(n: int) -> int:
    return int(np.clip(round(0.018 * n), 60, 600))


def generate_conversation(
    members: np.ndarray, adults: np.ndarray, n: int, rng: np.random.Generator
) -> ConversationData:
    """Participants (mostly movement members, some anonymous), statements and votes."""
    count = participant_count(n)
    group = rng.choice(3, size=count, p=GROUP_SHARES).astype(np.int8)
    arrival = np.sort(np.minimum(rng.exponential(25.0, size=count), LENGTH - 1.0)) + OPENS
    linked = rng.random(count) < 0.85
    pool = members if members.size >= count else adults
    person = np.full(count, -1, dtype=np.int32)
    person[linked] = rng.choice(pool, size=int(linked.sum()), replace=False)

    # Statements: a moderator's seeds at the start, then participants' own statements.
    chosen = np.sort(rng.choice(len(STATEMENTS), size=int(rng.integers(40, 51)), replace=False))
    seeds = chosen[:SEEDS]
    rest = rng.permutation(chosen[SEEDS:])
    texts = [STATEMENTS[i][0] for i in seeds] + [STATEMENTS[i][0] for i in rest] + list(REJECTED)
    stance = np.array([STATEMENTS[i][1:] for i in np.concatenate([seeds, rest])])
    stance = np.vstack([stance, np.full((len(REJECTED), 3), -0.3)])
    authored = len(texts) - SEEDS
    author = np.concatenate(
        [np.full(SEEDS, -1), np.sort(rng.integers(0, count, size=authored))]
    ).astype(np.int32)
    posted = np.where(
        author >= 0, arrival[np.maximum(author, 0)] + rng.random(author.size) * 0.05, OPENS
    )
    status = np.ones(len(texts), dtype=np.int8)
    status[-len(REJECTED) :] = 2
    # Pending statements arrive at the very end, before a moderator has seen them.
    texts += list(PENDING)
    author = np.concatenate([author, rng.integers(0, count, size=len(PENDING)).astype(np.int32)])
    posted = np.concatenate([posted, OPENS + LENGTH - 1.0 + rng.random(len(PENDING)) * 0.5])
    status = np.concatenate([status, np.zeros(len(PENDING), dtype=np.int8)])
    order = np.argsort(posted, kind="stable")  # tid in order of posting
    texts = [texts[i] for i in order]
    author, posted, status = author[order], posted[order], status[order]
    stance = np.vstack([stance, np.zeros((len(PENDING), 3))])[order]

    votable = np.flatnonzero(status != 0)
    pids, tids = [], []
    for pid in range(count):
        # Engagement varies: many vote on most statements, some on a handful.
        k = int(np.clip(round(votable.size * rng.beta(2.5, 1.0)), 3, votable.size))
        tids.append(np.sort(rng.choice(votable, size=k, replace=False)))
        pids.append(np.full(k, pid, dtype=np.int32))
    vote_pid = np.concatenate(pids)
    vote_tid = np.concatenate(tids).astype(np.int32)
    mu = stance[vote_tid, group[vote_pid]] + rng.normal(0.0, 0.3, size=vote_pid.size)
    agree = rng.random(vote_pid.size) < 1.0 / (1.0 + np.exp(-4.0 * mu))
    value = np.where(agree, 1, -1).astype(np.int8)
    value[rng.random(vote_pid.size) < PASS_RATE] = 0
    # Rejected statements were removed early: only their first few votes exist.
    day = np.fmax(arrival[vote_pid], posted[vote_tid]) + rng.random(vote_pid.size) * 0.05
    keep = (status[vote_tid] == 1) | (day < posted[vote_tid] + 0.02)
    day = np.minimum(day, OPENS + LENGTH - 0.01)
    return ConversationData(
        opened_day=float(OPENS),
        closed_day=float(OPENS + LENGTH),
        participant_person=person,
        participant_day=arrival,
        participant_group=group,
        statement_text=texts,
        statement_author=author,
        statement_status=status,
        statement_seed=author < 0,
        statement_day=posted,
        vote_pid=vote_pid[keep],
        vote_tid=vote_tid[keep],
        vote_value=value[keep],
        vote_day=day[keep],
    )
