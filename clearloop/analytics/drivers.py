"""Key-driver analysis: how much each attribute rating explains of an outcome score.

Pure numpy over moments (n, sums, sums of cross products), which the database computes in
one pass: the correlation matrix follows from them, and everything else from it, so the
analysis costs milliseconds however many responses stand behind it.

- `relative_weights`: Johnson's relative weights (2000). The predictors are replaced by
  their closest orthogonal counterparts; each predictor's weight is its share of the
  outcome variance explained through them. The weights sum to the model's R².
- `shapley_importance`: the Shapley value (LMG) of R² over all subsets of predictors; also
  sums to R², exact, and cheap up to a dozen predictors (2^k small regressions).
- `quadrant`: importance x performance, the four boxes managers act on.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
MAX_SHAPLEY_PREDICTORS = 12


class DriverQuadrant:
    FIX_FIRST = "fix_first"  # matters more than average, rated below average
    KEEP_UP = "keep_up"  # matters more, rated above
    LOWER_PRIORITY = "lower_priority"  # matters less, rated below
    POSSIBLE_OVERKILL = "possible_overkill"  # matters less, rated above


@dataclass(frozen=True)
class Moments:
    """n complete observations of k variables: their sums and the kxk cross products."""

    n: int
    sums: FloatArray
    cross: FloatArray

    @property
    def means(self) -> FloatArray:
        return self.sums / self.n

    def correlation(self) -> FloatArray:
        covariance = (self.cross - np.outer(self.sums, self.sums) / self.n) / (self.n - 1)
        deviations = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            correlation = covariance / np.outer(deviations, deviations)
        correlation = np.nan_to_num(correlation, nan=0.0)
        np.fill_diagonal(correlation, 1.0)
        return np.asarray(correlation, dtype=np.float64)


def moments_of(data: FloatArray) -> Moments:
    """Moments of the rows of `data` (observations x variables); for tests and the bench."""
    return Moments(len(data), data.sum(axis=0), data.T @ data)


def _split(correlation: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Predictors' correlation matrix and their correlations with the outcome (last)."""
    return correlation[:-1, :-1], correlation[:-1, -1]


def r_squared(predictors: FloatArray, with_outcome: FloatArray) -> float:
    """R² of the least-squares regression, from correlations: r' R⁻¹ r."""
    if len(with_outcome) == 0:
        return 0.0
    beta = np.linalg.lstsq(predictors, with_outcome, rcond=None)[0]
    return float(with_outcome @ beta)


def relative_weights(correlation: FloatArray) -> FloatArray:
    """Johnson's relative weights of each predictor (outcome last in `correlation`)."""
    predictors, with_outcome = _split(correlation)
    eigenvalues, eigenvectors = np.linalg.eigh(predictors)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    root = eigenvectors @ np.diag(np.sqrt(eigenvalues)) @ eigenvectors.T
    beta = np.linalg.lstsq(root, with_outcome, rcond=None)[0]
    return np.asarray((root**2) @ (beta**2), dtype=np.float64)


def shapley_importance(correlation: FloatArray) -> FloatArray:
    """The Shapley value (LMG) of R² for each predictor (outcome last in `correlation`)."""
    predictors, with_outcome = _split(correlation)
    k = len(with_outcome)
    if k > MAX_SHAPLEY_PREDICTORS:
        raise ValueError(f"Shapley importance needs at most {MAX_SHAPLEY_PREDICTORS} predictors.")
    explained: dict[tuple[int, ...], float] = {}
    for size in range(k + 1):
        for subset in itertools.combinations(range(k), size):
            index = list(subset)
            explained[subset] = r_squared(predictors[np.ix_(index, index)], with_outcome[index])
    importance = np.zeros(k)
    for j in range(k):
        others = [i for i in range(k) if i != j]
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for subset in itertools.combinations(others, size):
                with_j = tuple(sorted((*subset, j)))
                importance[j] += weight * (explained[with_j] - explained[subset])
    return importance


@dataclass(frozen=True)
class Driver:
    key: str
    importance: float  # share of the outcome's variance it explains (sums to R²)
    share: float  # importance / R², 0…1
    correlation: float  # bivariate, with the outcome
    performance: float  # mean rating on 0…100 of its scale
    quadrant: str


@dataclass(frozen=True)
class DriverAnalysis:
    n: int
    r_squared: float
    drivers: list[Driver]


def quadrant(
    importance: float, performance: float, mean_importance: float, mean_performance: float
) -> str:
    if importance >= mean_importance:
        return (
            DriverQuadrant.KEEP_UP if performance >= mean_performance else DriverQuadrant.FIX_FIRST
        )
    if performance >= mean_performance:
        return DriverQuadrant.POSSIBLE_OVERKILL
    return DriverQuadrant.LOWER_PRIORITY


def analyse(
    moments: Moments, keys: Sequence[str], scale: tuple[float, float]
) -> DriverAnalysis | None:
    """Drivers of the last variable of `moments` among the others (named by `keys`, rated
    on `scale`). None with fewer observations than predictors + 2 (no regression)."""
    k = len(keys)
    if k == 0 or moments.n < k + 2:
        return None
    correlation = moments.correlation()
    weights = relative_weights(correlation)
    explained = float(weights.sum())
    low, high = scale
    performance = (
        (moments.means[:-1] - low) / (high - low) * 100 if high > low else moments.means[:-1]
    )
    mean_importance, mean_performance = float(weights.mean()), float(performance.mean())
    drivers = [
        Driver(
            key=key,
            importance=float(weights[i]),
            share=float(weights[i] / explained) if explained > 0 else 0.0,
            correlation=float(correlation[i, -1]),
            performance=float(performance[i]),
            quadrant=quadrant(
                float(weights[i]), float(performance[i]), mean_importance, mean_performance
            ),
        )
        for i, key in enumerate(keys)
    ]
    drivers.sort(key=lambda driver: driver.importance, reverse=True)
    return DriverAnalysis(n=moments.n, r_squared=explained, drivers=drivers)
