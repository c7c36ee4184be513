"""The statistics of insights: Fisher's exact test, Benjamini-Hochberg q-values, Wilson intervals.

Plain numpy/scipy, no Django. Fisher's exact test is used rather than a z-test because segment
conversion rates are often near zero (0-3 %), where the normal approximation misleads; the
two-sided p-value is the sum of the probabilities of every table (with the same margins) no
more likely than the observed one, as R's `fisher.test` and `scipy.stats.fisher_exact` define
it. It is computed here over log-binomials so thousands of tables take a fraction of a second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln  # type: ignore[import-untyped]

# Tables whose probability is within this relative tolerance of the observed one count as "as
# likely" (the tolerance scipy and R use, so ties from rounding are not lost).
RELATIVE_TOLERANCE = 1e-7
# The normal quantile of a two-sided 95 % interval.
Z_95 = 1.959963984540054


def _log_binomial(n: int, k: NDArray[np.int64]) -> NDArray[np.float64]:
    result = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    return np.asarray(result, dtype=np.float64)


def _check_table(*, hits_in: int, n_in: int, hits_out: int, n_out: int) -> None:
    for name, hits, n in (("in", hits_in, n_in), ("out", hits_out, n_out)):
        if n < 0 or hits < 0 or hits > n:
            raise ValueError(
                f"group {name!r}: {hits} conversions of {n} leads is not a valid count "
                "(need 0 ≤ conversions ≤ leads)"
            )


def fisher_p(*, hits_in: int, n_in: int, hits_out: int, n_out: int) -> float:
    """Two-sided p-value of Fisher's exact test that two groups convert at the same rate."""
    _check_table(hits_in=hits_in, n_in=n_in, hits_out=hits_out, n_out=n_out)
    hits = hits_in + hits_out
    low, high = max(0, hits - n_out), min(n_in, hits)
    if low == high:
        return 1.0
    x = np.arange(low, high + 1, dtype=np.int64)
    log_p = _log_binomial(n_in, x) + _log_binomial(n_out, hits - x)
    log_p -= _log_binomial(n_in + n_out, np.array([hits], dtype=np.int64))[0]
    observed = log_p[hits_in - low]
    as_likely = log_p <= observed + math.log1p(RELATIVE_TOLERANCE)
    return min(1.0, float(np.exp(log_p[as_likely]).sum()))


def bh_q_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the order given.

    Keeping every test with q ≤ alpha keeps the expected share of false findings among those kept at
    most alpha (for independent or positively dependent tests)."""
    m = len(p_values)
    if m == 0:
        return []
    p = np.asarray(p_values, dtype=np.float64)
    if np.any(np.isnan(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError("p-values must lie in [0, 1]")
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    # Each q is the smallest scaled p at its rank or any higher rank.
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m, dtype=np.float64)
    q[order] = np.minimum(adjusted, 1.0)
    return [float(v) for v in q]


def intraclass_correlation(*, outcomes: Sequence[bool], clusters: Sequence[int]) -> float:
    """How alike the outcomes of one cluster are (the ANOVA estimator for unequal cluster
    sizes), clamped to [0, 1]: 0 when members convert independently, 1 when a cluster's members
    always convert together (as contacts of one company do when its deal is won)."""
    if len(outcomes) != len(clusters):
        raise ValueError(f"{len(outcomes)} outcomes but {len(clusters)} cluster ids")
    y = np.asarray(outcomes, dtype=np.float64)
    _, index = np.unique(np.asarray(clusters), return_inverse=True)
    total, k = len(y), int(index.max()) + 1 if len(y) else 0
    if k < 2 or total - k < 1:
        return 0.0
    sizes = np.bincount(index)
    means = np.bincount(index, weights=y) / sizes
    between = float((sizes * (means - y.mean()) ** 2).sum()) / (k - 1)
    within = float(((y - means[index]) ** 2).sum()) / (total - k)
    n0 = (total - float((sizes**2).sum()) / total) / (k - 1)
    denominator = between + (n0 - 1) * within
    if denominator <= 0:
        return 0.0
    return min(1.0, max(0.0, (between - within) / denominator))


def effective_counts(*, hits: int, n: int, design_effect: float) -> tuple[int, int]:
    """(hits, n) shrunk by the design effect (Kish's effective sample size), rate kept, as whole
    numbers for an exact test: n leads in clusters carry the information of n / deff
    independent ones."""
    if design_effect < 1:
        raise ValueError(f"a design effect is at least 1, got {design_effect}")
    if n == 0:
        return 0, 0
    n_eff = max(1, round(n / design_effect))
    return round(hits * n_eff / n), n_eff


def wilson_interval(*, hits: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a rate: sound near 0 and 1, unlike rate ± z·SE."""
    if n <= 0:
        raise ValueError(f"an interval needs at least one lead, got n={n}")
    if not 0 <= hits <= n:
        raise ValueError(f"{hits} conversions of {n} leads is not a valid count")
    rate = hits / n
    denominator = 1 + z * z / n
    centre = (rate + z * z / (2 * n)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
