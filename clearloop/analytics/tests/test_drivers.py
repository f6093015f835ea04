"""Driver importances against an independent computation: ordinary least squares on the
raw observations for every subset of predictors (numpy), not the correlation matrix."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from clearloop.analytics import drivers


def _data(n: int = 500, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    x[:, 1] += 0.6 * x[:, 0]  # correlated predictors
    x[:, 3] += 0.3 * x[:, 2]
    y = 0.8 * x[:, 0] + 0.5 * x[:, 1] + 0.2 * x[:, 2] + rng.normal(size=n)
    return np.column_stack([x, y])


def _ols_r2(data: np.ndarray, columns: tuple[int, ...]) -> float:
    y = data[:, -1]
    if not columns:
        return 0.0
    design = np.column_stack([np.ones(len(y)), data[:, list(columns)]])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    return float(1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def _shapley_by_ols(data: np.ndarray) -> list[float]:
    k = data.shape[1] - 1
    values = []
    for j in range(k):
        others = [i for i in range(k) if i != j]
        total = 0.0
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for subset in itertools.combinations(others, size):
                total += weight * (_ols_r2(data, (*subset, j)) - _ols_r2(data, subset))
        values.append(total)
    return values


def test_shapley_from_correlations_equals_ols_over_all_subsets() -> None:
    data = _data()
    correlation = drivers.moments_of(data).correlation()
    assert drivers.shapley_importance(correlation) == pytest.approx(_shapley_by_ols(data), abs=1e-9)


def test_relative_weights_sum_to_r_squared_and_track_shapley() -> None:
    data = _data()
    correlation = drivers.moments_of(data).correlation()
    weights = drivers.relative_weights(correlation)
    full = _ols_r2(data, (0, 1, 2, 3))
    assert weights.sum() == pytest.approx(full, abs=1e-9)
    assert weights == pytest.approx(drivers.shapley_importance(correlation), abs=0.02)
    assert list(np.argsort(-weights)[:2]) == [0, 1]


def test_uncorrelated_predictors_weigh_their_squared_correlation() -> None:
    correlation = np.array(
        [[1.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 0.3], [0.0, 0.0, 1.0, 0.1], [0.5, 0.3, 0.1, 1.0]]
    )
    assert drivers.relative_weights(correlation) == pytest.approx([0.25, 0.09, 0.01])
    assert drivers.shapley_importance(correlation) == pytest.approx([0.25, 0.09, 0.01])


def test_analysis_names_n_r_squared_and_quadrants() -> None:
    data = _data()
    data[:, :4] = np.clip(np.round(data[:, :4] + 3), 1, 5)
    data[:, 2] = np.clip(data[:, 2] + 1, 1, 5)  # rated high, matters little
    analysis = drivers.analyse(drivers.moments_of(data), ["a", "b", "c", "d"], (1, 5))
    assert analysis is not None
    assert analysis.n == 500
    assert analysis.r_squared == pytest.approx(sum(d.importance for d in analysis.drivers))
    assert sum(d.share for d in analysis.drivers) == pytest.approx(1.0)
    by_key = {d.key: d for d in analysis.drivers}
    assert by_key["c"].quadrant == drivers.DriverQuadrant.POSSIBLE_OVERKILL
    assert {d.key for d in analysis.drivers[:2]} == {"a", "b"}
    assert drivers.analyse(drivers.moments_of(data[:3]), ["a", "b", "c", "d"], (1, 5)) is None
