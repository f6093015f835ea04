"""Reads for the personas page: count every customer's features (one fixed set of grouped
queries, `clearloop.customers.features`), cluster them (`clearloop.analytics.personas`)
and describe each cluster in words, with its size, NPS (with its 95% interval) and the
mix of churn-risk bands.

Personas are computed on request, not stored: the clustering is deterministic, so the
same data gives the same personas and persona numbers, and a persona's customer list
(`persona_members`) is the same clustering read again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from clearloop.accounts.models import Organization
from clearloop.analytics import metrics
from clearloop.analytics.personas import Trait, choose_k, standardise, traits
from clearloop.customers.churn import Band
from clearloop.customers.features import (
    CustomerFeatures,
    churn_risks,
    customer_features,
    features_stamp,
    organization_gap_days,
)
from clearloop.customers.segments import nps_group

# Below this many customers, clusters say more about individuals than about groups.
MINIMUM_CUSTOMERS = 20
# Writes that bypass `updated_at` (queryset updates) show within this long.
CACHE_SECONDS = 600

FEATURES = ("orders", "spend", "recency", "nps", "negative_feedback", "contacts", "open_cases")
FEATURE_LABELS = {
    "orders": _("Orders"),
    "spend": _("Spend (typical orders)"),
    "recency": _("Days since last purchase"),
    "nps": _("Mean NPS answer"),
    "negative_feedback": _("Negative feedback share"),
    "contacts": _("Service contacts"),
    "open_cases": _("Open cases"),
}
TRAIT_WORDS = {
    ("orders", "high"): _("frequent buyers"),
    ("orders", "low"): _("rare buyers"),
    ("spend", "high"): _("high spend"),
    ("spend", "low"): _("low spend"),
    ("recency", "high"): _("long since their last purchase"),
    ("recency", "low"): _("bought recently"),
    ("nps", "high"): _("high NPS answers"),
    ("nps", "low"): _("low NPS answers"),
    ("negative_feedback", "high"): _("often negative in feedback"),
    ("negative_feedback", "low"): _("rarely negative in feedback"),
    ("contacts", "high"): _("many service contacts"),
    ("contacts", "low"): _("few service contacts"),
    ("open_cases", "high"): _("open cases"),
    ("open_cases", "low"): _("no open cases"),
}
MIX_WORDS = {
    "promoter": _("mostly promoters"),
    "passive": _("mostly passives"),
    "detractor": _("mostly detractors"),
}


@dataclass
class Persona:
    number: int  # 1 = the largest
    size: int
    share: float  # percent of customers
    traits: list[Trait]
    description: str
    nps: metrics.Estimate
    groups: dict[str, int]  # latest NPS group -> customers
    bands: dict[str, int]  # churn band -> customers
    means: dict[str, float | None]  # the feature's mean over the persona, in its own unit
    customer_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def band_shares(self) -> list[tuple[str, int, float]]:
        return [(b, self.bands.get(b, 0), 100 * self.bands.get(b, 0) / self.size) for b in Band.ALL]


@dataclass
class PersonaAnalysis:
    customers: int
    computed_at: dt.datetime
    personas: list[Persona]
    k: int = 0
    silhouette: float | None = None
    silhouettes: dict[int, float] = field(default_factory=dict)

    @property
    def enough(self) -> bool:
        return self.customers >= MINIMUM_CUSTOMERS


def _column(values: list[float | None], missing: float) -> list[float]:
    return [missing if value is None else value for value in values]


def _mean(values: list[float | None]) -> float:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else 0.0


def feature_matrix(rows: list[CustomerFeatures]) -> np.ndarray:
    """One row per customer. Counts and spend are log-scaled (a few big buyers would
    otherwise be a cluster of their own); a missing NPS or feedback share takes the mean,
    so "no answer" reads as typical, and a customer who never bought counts as the
    longest since a purchase."""
    recency = [f.days_since_last_order for f in rows]
    longest = max((d for d in recency if d is not None), default=0.0)
    nps = [f.nps_mean for f in rows]
    negative = [f.negative_share for f in rows]
    columns = [
        [math.log1p(f.order_count) for f in rows],
        [math.log1p(f.spend_index) for f in rows],
        _column(recency, longest),
        _column(nps, _mean(nps)),
        _column(negative, _mean(negative)),
        [math.log1p(f.contacts) for f in rows],
        [math.log1p(f.open_cases) for f in rows],
    ]
    return np.array(columns, dtype=np.float64).T.reshape(len(rows), len(FEATURES))


def describe(found: list[Trait], groups: dict[str, int]) -> str:
    """ "High spend, frequent buyers, mostly promoters": the strongest traits, then the
    NPS group that holds a majority of those who answered, if one does."""
    words = [str(TRAIT_WORDS[(t.feature, t.direction)]) for t in found]
    answered = sum(groups.values())
    for group, count in groups.items():
        if answered and count / answered > 0.5:
            words.append(str(MIX_WORDS[group]))
    if not words:
        words = [str(_("typical customers"))]
    text = pgettext("list separator", ", ").join(words)
    return text[:1].upper() + text[1:]


def _means(rows: list[CustomerFeatures]) -> dict[str, float | None]:
    def mean(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    return {
        "orders": mean([f.order_count for f in rows]),
        "spend": mean([f.spend_index for f in rows]),
        "recency": mean([f.days_since_last_order for f in rows]),
        "nps": mean([f.nps_mean for f in rows]),
        "negative_feedback": mean(
            [None if f.negative_share is None else 100 * f.negative_share for f in rows]
        ),
        "contacts": mean([f.contacts for f in rows]),
        "open_cases": mean([f.open_cases for f in rows]),
    }


def personas_build(
    *, organization: Organization, now: dt.datetime | None = None
) -> PersonaAnalysis:
    """The organization's personas, largest first. Kept in the cache for `CACHE_SECONDS`
    under the organization, the language and `features_stamp` (so any new or changed row
    computes them afresh): at 100k customers they take seconds, and the persona pages and
    the API read them in turn."""
    if now is not None:
        return _personas_compute(organization=organization, now=now)
    stamp = features_stamp(organization=organization)
    key = (
        "personas:"
        + hashlib.sha256(
            repr((organization.pk, translation.get_language(), stamp)).encode()
        ).hexdigest()
    )
    analysis = cache.get(key)
    if analysis is None:
        analysis = _personas_compute(organization=organization, now=None)
        cache.set(key, analysis, CACHE_SECONDS)
    return analysis


def _personas_compute(*, organization: Organization, now: dt.datetime | None) -> PersonaAnalysis:
    found = customer_features(organization=organization, now=now)
    rows = [found[pk] for pk in sorted(found)]
    if len(rows) < MINIMUM_CUSTOMERS:
        return PersonaAnalysis(customers=len(rows), computed_at=now or timezone.now(), personas=[])
    risks = churn_risks(
        found, organization_gap_days=organization_gap_days(organization=organization)
    )
    choice = choose_k(standardise(feature_matrix(rows)))
    labels = choice.clustering.labels
    sizes = np.bincount(labels, minlength=choice.k)
    # Largest first; the centroid breaks ties so the numbering never depends on luck.
    order = sorted(
        range(choice.k), key=lambda c: (-sizes[c], tuple(choice.clustering.centroids[c]))
    )
    personas = []
    for number, cluster in enumerate(order, start=1):
        members = [rows[i] for i in np.flatnonzero(labels == cluster)]
        groups = Counter(g for g in (nps_group(f.latest_nps) for f in members) if g)
        found_traits = traits(choice.clustering.centroids[cluster], FEATURES)
        personas.append(
            Persona(
                number=number,
                size=len(members),
                share=100 * len(members) / len(rows),
                traits=found_traits,
                description=describe(found_traits, dict(groups)),
                nps=metrics.nps(groups["promoter"], groups["passive"], groups["detractor"]),
                groups={g: groups[g] for g in ("promoter", "passive", "detractor")},
                bands=dict(Counter(risks[f.customer_id].band for f in members)),
                means=_means(members),
                customer_ids=[f.customer_id for f in members],
            )
        )
    return PersonaAnalysis(
        customers=len(rows),
        computed_at=now or timezone.now(),
        personas=personas,
        k=choice.k,
        silhouette=choice.silhouette,
        silhouettes=choice.silhouettes,
    )


def persona_get(*, analysis: PersonaAnalysis, number: int) -> Persona | None:
    return next((p for p in analysis.personas if p.number == number), None)
