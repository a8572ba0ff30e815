"""What a Monte Carlo spread returns, and how per-run numbers are summarised."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from groundswell.spread.models import Model


@dataclass(frozen=True)
class SpreadResult:
    """Summary of ``runs`` simulations.

    Attributes
    ----------
    runs, n : runs done and people in the graph.
    reach : int64 array (runs,), final adopters per run, seeds included.
    reach_mean, reach_se : mean final reach and its standard error.
    reach_ci95 : Student-t 95% confidence interval of the mean (NaN for one run).
    curve_mean, curve_lo, curve_hi : cumulative adopters at steps 0..S (mean and
        the 5th and 95th percentiles over runs). S is the longest run's last
        adoption step, capped at ``curve_steps``; when capped, later adoptions
        are counted at the last point, so the curve always ends at the reach.
    adoption_probability : float64 array (n,), share of runs in which each
        person adopted.
    model, seeds : what was simulated (seeds as node ids).
    curve_capped : whether some run went on past the curve's last step.
    stopped_early : whether ``tolerance`` stopped the runs before ``runs``.
    """

    runs: int
    n: int
    reach: np.ndarray
    reach_mean: float
    reach_se: float
    reach_ci95: tuple[float, float]
    curve_mean: np.ndarray
    curve_lo: np.ndarray
    curve_hi: np.ndarray
    adoption_probability: np.ndarray
    model: Model | None = None
    seeds: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    curve_capped: bool = False
    stopped_early: bool = False

    @property
    def reach_share(self) -> float:
        """Mean reach as a share of everyone in the graph (0 for an empty graph)."""
        return self.reach_mean / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (no per-person arrays); NaN becomes ``None``."""
        lo, hi = self.reach_ci95
        return {
            "n": self.n,
            "runs": self.runs,
            "model": self.model.kind if self.model else None,
            "reach_mean": _num(self.reach_mean),
            "reach_se": _num(self.reach_se),
            "reach_ci95": [_num(lo), _num(hi)],
            "reach_share": _num(self.reach_share),
            "curve_mean": [float(x) for x in self.curve_mean],
            "curve_lo": [float(x) for x in self.curve_lo],
            "curve_hi": [float(x) for x in self.curve_hi],
            "stopped_early": self.stopped_early,
        }


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


# Student-t 0.975 quantiles for 1..30 degrees of freedom (scipy.stats.t.ppf).
_T975 = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
    2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.13145, 2.119905,
    2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
    2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272,
)  # fmt: skip
_Z975 = 1.959963984540054


def t975(df: int) -> float:
    """Student-t 0.975 quantile without importing scipy.stats (seconds to import).

    A table up to 30 degrees of freedom, then the Cornish-Fisher expansion of
    Abramowitz & Stegun 26.7.5 (error below 1e-7 from 31 on).
    """
    if df <= 30:
        return _T975[df - 1]
    z, v = _Z975, float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
    )


def mean_se_ci(reach: np.ndarray) -> tuple[float, float, tuple[float, float]]:
    """Mean, standard error and Student-t 95% interval of per-run reach."""
    runs = int(reach.shape[0])
    mean = float(reach.mean()) if runs else math.nan
    if runs < 2:
        return mean, math.nan, (math.nan, math.nan)
    se = float(reach.std(ddof=1) / math.sqrt(runs))
    half = t975(runs - 1) * se
    return mean, se, (mean - half, mean + half)


def summarise(
    *,
    n: int,
    reach: np.ndarray,
    last_step: np.ndarray,
    curve_new: np.ndarray,
    counts: np.ndarray,
    cap: int,
    model: Model | None = None,
    seeds: np.ndarray | None = None,
    stopped_early: bool = False,
) -> SpreadResult:
    """Build a :class:`SpreadResult` from the kernel's per-run arrays."""
    runs = int(reach.shape[0])
    longest = int(last_step.max(initial=0))
    width = min(longest, cap) + 1
    cumulative = np.cumsum(curve_new[:, :width], axis=1, dtype=np.int64)
    mean, se, ci = mean_se_ci(reach)
    lo, hi = np.percentile(cumulative, [5.0, 95.0], axis=0) if runs else (np.zeros(width),) * 2
    return SpreadResult(
        runs=runs,
        n=n,
        reach=reach,
        reach_mean=mean,
        reach_se=se,
        reach_ci95=ci,
        curve_mean=cumulative.mean(axis=0) if runs else np.zeros(width),
        curve_lo=np.asarray(lo, np.float64),
        curve_hi=np.asarray(hi, np.float64),
        adoption_probability=counts / runs if runs else np.zeros(n),
        model=model,
        seeds=np.empty(0, np.int32) if seeds is None else seeds,
        curve_capped=longest > cap,
        stopped_early=stopped_early,
    )
