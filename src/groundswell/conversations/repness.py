"""Per-group statement statistics and representative statements.

All counts come from the raw vote matrix over the in-conversation members of
each group (Pol.is ``group-votes``, ``conversation.clj:278-305``); arrays are
shaped (groups, statements). Formulas from Pol.is ``math/repness.clj`` and
``math/stats.clj``, written as red-dwarf writes them (``utils/stats.py``) so the
floating-point results agree to the last bits:

* ``pa = (na + 1) / (ns + 2)``: agree probability with a Beta(1, 1) prior.
* ``pat = 2 sqrt(ns + 1) ((na + 1) / (ns + 1) - 0.5)``: one-proportion z against
  one half (``stats.clj:10-15``).
* ``ra = pa / ((na' + 1) / (ns' + 2))`` with ``'`` the pooled other groups.
* ``rat``: two-proportion z test with one added to each count (``stats.clj:18-33``),
  0 where the pooled proportion is 1.
* the same with ``nd`` for the disagree side.

A statement represents a group in the direction whose ``r*t`` is larger
(``finalize-cmt-stats``); it is *sufficient* when both its ``p*t`` and ``r*t``
exceed the one-sided 90% critical value 1.2816 (``z-sig-90?``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

Z90 = 1.2816  # Pol.is stats.clj:36-39 (red-dwarf uses scipy's 1.2815515655446004)
PICK_MAX = 5


@dataclass(frozen=True)
class GroupStats:
    """Counts and statistics per (group, statement)."""

    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray


@dataclass(frozen=True)
class RepStatement:
    """One representative statement of a group, in its winning direction."""

    tid: object
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def probability(count: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Laplace-smoothed proportion ``(count + 1) / (total + 2)``."""
    p: np.ndarray = (1 + count) / (2 + total)
    return p


def one_prop_test(succ: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Pol.is one-proportion z-score against 0.5 with one pseudo-count."""
    succ = np.asarray(succ) + 1
    n = np.asarray(n) + 1
    z: np.ndarray = 2 * np.sqrt(n) * ((succ / n) - 0.5)
    return z


def two_prop_test(
    succ_in: np.ndarray, succ_out: np.ndarray, n_in: np.ndarray, n_out: np.ndarray
) -> np.ndarray:
    """Pol.is two-proportion z-score with one pseudo-count on each count."""
    succ_in = np.asarray(succ_in) + 1
    succ_out = np.asarray(succ_out) + 1
    n_in = np.asarray(n_in) + 1
    n_out = np.asarray(n_out) + 1
    pi1 = succ_in / n_in
    pi2 = succ_out / n_out
    pi_hat = (succ_in + succ_out) / (n_in + n_out)
    denominator = np.sqrt(pi_hat * (1 - pi_hat) * (1 / n_in + 1 / n_out))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (pi1 - pi2) / denominator
    return np.where(pi_hat == 1, 0.0, z)


def group_stats(agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray) -> GroupStats:
    """All repness statistics from the (groups, statements) tallies."""
    na, nd, ns = (np.asarray(a, np.int64) for a in (agree, disagree, seen))
    na_out, nd_out, ns_out = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = probability(na, ns), probability(nd, ns)
    return GroupStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=one_prop_test(na, ns),
        pdt=one_prop_test(nd, ns),
        ra=pa / probability(na_out, ns_out),
        rd=pd / probability(nd_out, ns_out),
        rat=two_prop_test(na, na_out, ns, ns_out),
        rdt=two_prop_test(nd, nd_out, ns, ns_out),
    )


def _statement(s: GroupStats, g: int, j: int, tid: object, best: bool = False) -> RepStatement:
    agree = bool(s.rat[g, j] > s.rdt[g, j])
    n, p, pt, r, rt = (
        (s.na, s.pa, s.pat, s.ra, s.rat) if agree else (s.nd, s.pd, s.pdt, s.rd, s.rdt)
    )
    return RepStatement(
        tid=tid,
        direction="agree" if agree else "disagree",
        n_success=int(n[g, j]),
        n_trials=int(s.ns[g, j]),
        p_success=float(p[g, j]),
        p_test=float(pt[g, j]),
        repness=float(r[g, j]),
        repness_test=float(rt[g, j]),
        best_agree=best,
    )


def _best_agree(s: GroupStats, g: int, columns: np.ndarray, z: float) -> int | None:
    """Pol.is ``best-agree`` (``repness.clj:139-159``), scanning in statement order."""
    # The scan is sequential (each step compares with the best so far), so it
    # runs over plain floats; the products are computed once, as numpy would.
    cols = columns.tolist()
    voted = ((s.na[g, columns] != 0) | (s.nd[g, columns] != 0)).tolist()
    pat, ra, pa = s.pat[g, columns].tolist(), s.ra[g, columns].tolist(), s.pa[g, columns].tolist()
    metric = (s.ra[g, columns] * s.rat[g, columns] * s.pa[g, columns] * s.pat[g, columns]).tolist()
    pp = (s.pa[g, columns] * s.pat[g, columns]).tolist()
    best = -1
    for i in range(len(cols)):
        if not voted[i]:
            continue
        if best < 0:
            if pat[i] > z or (ra[i] > 1.0 and pa[i] > 0.5):
                best = i
        elif ra[best] > 1.0:
            if metric[i] > metric[best]:
                best = i
        elif pp[i] > pp[best]:
            best = i
    return None if best < 0 else int(cols[best])


def select_repness(
    s: GroupStats,
    tids: list[Any],
    columns: np.ndarray,
    *,
    z: float = Z90,
    pick_max: int = PICK_MAX,
) -> list[list[RepStatement]]:
    """Representative statements of each group (``select-rep-comments``, 209-278).

    ``columns`` are the eligible statement columns (moderated-out ones removed)
    in statement-id order, the order Pol.is scans them. Per group: the
    sufficient statements sorted by ``repness x repness_test x p_success x
    p_test`` (stable), best-agree first, the top ``pick_max``, then agrees before
    disagrees. With nothing sufficient: ``[best-agree]``, else the statement
    with the largest ``max(rat, rdt)``.

    red-dwarf 0.4 returns an empty list when no best-agree exists but some
    statements are sufficient; Pol.is (and this function) return them.
    """
    out = []
    columns = np.asarray(columns, np.int64)
    for g in range(s.na.shape[0]):
        best_agree = _best_agree(s, g, columns, z)
        sig_a = (s.pat[g, columns] > z) & (s.rat[g, columns] > z)
        sig_d = (s.pdt[g, columns] > z) & (s.rdt[g, columns] > z)
        sufficient = columns[sig_a | sig_d]
        if sufficient.size == 0:
            if best_agree is not None:
                out.append([_statement(s, g, best_agree, tids[best_agree], True)])
                continue
            best = None
            top = np.maximum(s.rat[g], s.rdt[g])
            for j in columns:
                if best is None or top[j] > top[best]:
                    best = j
            out.append([] if best is None else [_statement(s, g, best, tids[best])])
            continue
        # repness x repness-test x p x p-test in each statement's winning direction
        agree = s.rat[g, sufficient] > s.rdt[g, sufficient]
        metric = np.where(
            agree,
            s.ra[g, sufficient] * s.rat[g, sufficient] * s.pa[g, sufficient] * s.pat[g, sufficient],
            s.rd[g, sufficient] * s.rdt[g, sufficient] * s.pd[g, sufficient] * s.pdt[g, sufficient],
        )
        ranked = sufficient[np.argsort(-metric, kind="stable")]
        head = []
        if best_agree is not None:
            head = [_statement(s, g, best_agree, tids[best_agree], True)]
            ranked = ranked[ranked != best_agree]
        rest = [_statement(s, g, j, tids[j]) for j in ranked[: max(pick_max - len(head), 0)]]
        chosen = (head + rest)[:pick_max]
        chosen.sort(key=lambda r: r.direction != "agree")  # stable: agrees first
        out.append(chosen)
    return out
