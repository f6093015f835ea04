"""Customer personas: k-means on standardised behaviour and feedback features, with k
chosen by the silhouette, and each cluster's centroid read as traits.

Pure numpy: a feature matrix in, labels, centroids and traits out; no Django and no
database (`clearloop.analytics.persona_selectors` counts the features and words the traits).

- Standardising (z-scores) puts spend, counts and days on one scale, so no feature wins
  just by its unit; a feature that does not vary gets z = 0 everywhere.
- k-means++ seeding with a fixed seed and a few restarts (the lowest inertia wins), so the
  same data always gives the same personas.
- k in 2..6 by the mean silhouette, estimated on a fixed random sample of at most 2,000
  customers: the exact silhouette needs all pairwise distances, O(n²), which 100k
  customers cannot afford, and a sample of 2,000 estimates it to about ±0.01.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]

SEED = 20261204
RESTARTS = 4
MAX_ITERATIONS = 100
# Lloyd stops once no centre moves by more than this (in standard deviations).
TOLERANCE = 1e-4
# Above this many customers, k is chosen on a fixed sample and the chosen clustering is
# then refined on everyone from the sample's centres (as mini-batch k-means does): the
# silhouette and the restarts cost the same for 10k or 1M customers.
FIT_SAMPLE = 5000
# The sample's centres are already close: a few passes over everyone settle them.
REFINE_ITERATIONS = 20
K_RANGE = range(2, 7)
SILHOUETTE_SAMPLE = 2000
# A centroid this many standard deviations from the mean is a trait worth naming.
TRAIT_THRESHOLD = 0.5
MAX_TRAITS = 3


@dataclass(frozen=True)
class Clustering:
    labels: NDArray[np.int64]
    centroids: Matrix  # in z-scores, one row per cluster
    inertia: float


@dataclass(frozen=True)
class Choice:
    k: int
    clustering: Clustering
    silhouettes: dict[int, float]  # by k tried

    @property
    def silhouette(self) -> float:
        return self.silhouettes[self.k]


@dataclass(frozen=True)
class Trait:
    feature: str
    direction: str  # "high" or "low"
    z: float


def standardise(matrix: Matrix) -> Matrix:
    """Each column as z-scores (population standard deviation); constant columns are 0."""
    mean = matrix.mean(axis=0)
    spread = matrix.std(axis=0)
    spread = np.where(spread > 1e-12, spread, 1.0)
    return np.asarray((matrix - mean) / spread, dtype=np.float64)


def _squared_distances(points: Matrix, centroids: Matrix) -> Matrix:
    # |x - c|² = |x|² - 2x·c + |c|², without an (n, k, d) temporary.
    squared = (
        (points * points).sum(axis=1)[:, None]
        - 2 * points @ centroids.T
        + (centroids * centroids).sum(axis=1)[None, :]
    )
    return np.asarray(np.maximum(squared, 0.0), dtype=np.float64)


def kmeans_plus_plus(points: Matrix, k: int, rng: np.random.Generator) -> Matrix:
    """k-means++ seeding: each next centre drawn with probability ∝ squared distance to
    the nearest centre already chosen."""
    centres = [points[rng.integers(len(points))]]
    nearest = _squared_distances(points, np.array(centres))[:, 0]
    for _ in range(1, k):
        total = nearest.sum()
        if total <= 0:  # fewer distinct points than k: repeat one
            index = int(rng.integers(len(points)))
        else:
            index = int(rng.choice(len(points), p=nearest / total))
        centres.append(points[index])
        nearest = np.minimum(nearest, _squared_distances(points, points[index : index + 1])[:, 0])
    return np.array(centres, dtype=np.float64)


def _lloyd(points: Matrix, centroids: Matrix, *, iterations: int = MAX_ITERATIONS) -> Clustering:
    k = len(centroids)
    for _ in range(iterations):
        labels = _squared_distances(points, centroids).argmin(axis=1)
        sizes = np.bincount(labels, minlength=k).astype(np.float64)
        sums = np.stack(
            [
                np.bincount(labels, weights=points[:, j], minlength=k)
                for j in range(points.shape[1])
            ],
            axis=1,
        )
        # An emptied cluster keeps its centre.
        moved = np.where(sizes[:, None] > 0, sums / np.maximum(sizes, 1)[:, None], centroids)
        shift = float(np.abs(moved - centroids).max())
        centroids = moved
        if shift < TOLERANCE:
            break
    distances = _squared_distances(points, centroids)
    labels = distances.argmin(axis=1)
    inertia = float(distances[np.arange(len(points)), labels].sum())
    return Clustering(labels=labels, centroids=centroids, inertia=inertia)


def kmeans(points: Matrix, k: int, *, seed: int = SEED, restarts: int = RESTARTS) -> Clustering:
    """Lloyd's k-means from k-means++ seeds; the restart with the lowest inertia."""
    if not 1 <= k <= len(points):
        raise ValueError(f"k must be between 1 and the number of points ({len(points)}), not {k}.")
    rng = np.random.default_rng(seed)
    best: Clustering | None = None
    for _ in range(restarts):
        found = _lloyd(points, kmeans_plus_plus(points, k, rng))
        if best is None or found.inertia < best.inertia:
            best = found
    assert best is not None
    return best


def silhouette(
    points: Matrix, labels: NDArray[np.int64], *, sample: int = SILHOUETTE_SAMPLE, seed: int = SEED
) -> float:
    """The mean silhouette (b - a) / max(a, b) over a fixed random sample of at most
    `sample` points, distances taken within that sample. A point alone in its cluster
    scores 0, as in Rousseeuw's definition."""
    if len(points) > sample:
        chosen = np.random.default_rng(seed).choice(len(points), size=sample, replace=False)
        points, labels = points[chosen], labels[chosen]
    clusters = np.unique(labels)
    if len(clusters) < 2:
        return 0.0
    distances = np.sqrt(_squared_distances(points, points))
    sums = np.stack([distances[:, labels == c].sum(axis=1) for c in clusters], axis=1)
    sizes = np.array([(labels == c).sum() for c in clusters], dtype=np.float64)
    own = np.searchsorted(clusters, labels)
    rows = np.arange(len(points))
    own_sizes = sizes[own]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[rows, own] / np.maximum(own_sizes - 1, 1)
        means = sums / sizes[None, :]
        means[rows, own] = np.inf
        b = means.min(axis=1)
        scores = np.where(own_sizes > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(scores.mean())


def choose_k(
    points: Matrix, *, ks: Sequence[int] = K_RANGE, seed: int = SEED, fit_sample: int = FIT_SAMPLE
) -> Choice:
    """The clustering whose k has the highest silhouette (the smaller k on a tie), of all
    points; k is chosen on a fixed sample of `fit_sample` points when there are more."""
    fitted = points
    if len(points) > fit_sample:
        chosen = np.random.default_rng(seed).choice(len(points), size=fit_sample, replace=False)
        fitted = points[np.sort(chosen)]
    tried: dict[int, Clustering] = {}
    scores: dict[int, float] = {}
    for k in ks:
        if k > len(fitted):
            break
        tried[k] = kmeans(fitted, k, seed=seed)
        scores[k] = silhouette(fitted, tried[k].labels, seed=seed)
    if not tried:
        raise ValueError("Too few points to cluster.")
    best = max(scores, key=lambda k: (round(scores[k], 6), -k))
    clustering = tried[best]
    if fitted is not points:
        clustering = _lloyd(points, clustering.centroids.copy(), iterations=REFINE_ITERATIONS)
    return Choice(k=best, clustering=clustering, silhouettes=scores)


def traits(
    centroid: Matrix,
    names: Sequence[str],
    *,
    threshold: float = TRAIT_THRESHOLD,
    limit: int = MAX_TRAITS,
) -> list[Trait]:
    """The features where the centroid lies at least `threshold` standard deviations
    from the mean, furthest first, at most `limit`."""
    found = [
        Trait(name, "high" if z > 0 else "low", float(z))
        for name, z in zip(names, centroid, strict=True)
        if abs(z) >= threshold
    ]
    # Rounded, so features equally far keep the order of `names` rather than float noise.
    return sorted(found, key=lambda t: -round(abs(t.z), 2))[:limit]
