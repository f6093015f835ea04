"""The behaviour and feedback figures of every customer of an organization, counted in the
database, for the churn risk (`clearloop.customers.churn`) and the personas
(`clearloop.analytics.personas`).

A fixed number of GROUP BY queries whatever the number of customers (one per source table,
keyed by customer id), merged in Python by id: never one query per customer. Each source
is grouped on its own rather than joined onto the customers, so counts never multiply.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from clearloop.accounts.models import Organization
from clearloop.cases.models import OPEN_STATUSES, Case
from clearloop.customers.churn import RECENT_DAYS, ChurnInputs, churn_risk, typical_gap
from clearloop.customers.churn import ChurnRisk as ChurnRisk
from clearloop.customers.models import Customer, Interaction, Order
from clearloop.customers.segments import latest_nps_subquery
from clearloop.feedback.models import FeedbackItem
from clearloop.surveys.models import Answer, QuestionKind
from clearloop.textanalysis.models import ItemAnalysis, Sentiment, SignalKind

DAY_SECONDS = 86400.0


@dataclass
class CustomerFeatures:
    customer_id: int
    segment: str = ""
    order_count: int = 0
    # Spend in "typical orders": each order's amount over the organization's mean order
    # amount in that currency, summed, so yen and euro customers compare.
    spend_index: float = 0.0
    days_since_last_order: float | None = None
    own_gap_days: float | None = None
    latest_nps: int | None = None  # ever
    recent_latest_nps: int | None = None  # within RECENT_DAYS
    nps_answers: int = 0
    nps_mean: float | None = None
    recent_detractor_answers: int = 0
    feedback_items: int = 0
    analysed_feedback: int = 0
    negative_feedback: int = 0
    recent_analysed_feedback: int = 0
    recent_negative_feedback: int = 0
    recent_churn_intent: int = 0
    contacts: int = 0
    open_cases: int = 0

    @property
    def negative_share(self) -> float | None:
        if not self.analysed_feedback:
            return None
        return self.negative_feedback / self.analysed_feedback


def _days(now: dt.datetime, then: dt.datetime) -> float:
    return max(0.0, (now - then).total_seconds() / DAY_SECONDS)


def _customers(organization: Organization | int, customers: QuerySet[Customer] | None) -> QuerySet:
    base = Customer.objects.for_organization(organization).filter(erased_at__isnull=True)
    if customers is not None:
        base = base.filter(pk__in=customers.values("pk"))
    return base


def _add_orders(
    found: dict[int, CustomerFeatures],
    ids: QuerySet,
    organization: Organization | int,
    now: dt.datetime,
    *,
    spend: bool,
) -> None:
    orders = Order.objects.for_organization(organization).filter(customer_id__in=ids)
    rows = orders.values("customer_id").annotate(
        n=Count("pk"), first=Min("ordered_at"), last=Max("ordered_at")
    )
    for row in rows.order_by():
        if (features := found.get(row["customer_id"])) is None:
            continue
        features.order_count = row["n"]
        features.days_since_last_order = _days(now, row["last"])
        if row["n"] >= 2:
            features.own_gap_days = _days(row["last"], row["first"]) / (row["n"] - 1)
    if not spend:
        return
    mean_amount = dict(
        Order.objects.for_organization(organization)
        .values("currency")
        .annotate(mean=Avg("amount"))
        .order_by()
        .values_list("currency", "mean")
    )
    totals = orders.values("customer_id", "currency").annotate(total=Sum("amount")).order_by()
    for row in totals:
        mean = Decimal(mean_amount.get(row["currency"]) or 0)
        if mean > 0 and row["customer_id"] in found:
            found[row["customer_id"]].spend_index += float(row["total"] / mean)


def _add_nps(
    found: dict[int, CustomerFeatures],
    ids: QuerySet,
    organization: Organization | int,
    since: dt.datetime,
) -> None:
    answers = Answer.objects.filter(
        response__organization=organization,
        response__customer_id__in=ids,
        response__completed_at__isnull=False,
        question__kind=QuestionKind.NPS,
        number__isnull=False,
    )
    recent = Q(response__completed_at__gte=since)
    rows = (
        answers.values("response__customer_id")
        .annotate(
            n=Count("pk"),
            mean=Avg("number"),
            recent_detractors=Count("pk", filter=recent & Q(number__lte=6)),
        )
        .order_by()
    )
    for row in rows.order_by():
        if (features := found.get(row["response__customer_id"])) is None:
            continue
        features.nps_answers = row["n"]
        features.nps_mean = float(row["mean"])
        features.recent_detractor_answers = row["recent_detractors"]


def _add_latest_nps(
    found: dict[int, CustomerFeatures], customers: QuerySet[Customer], since: dt.datetime
) -> None:
    rows = customers.annotate(
        latest=latest_nps_subquery(), recent_latest=latest_nps_subquery(since=since)
    ).values_list("pk", "latest", "recent_latest")
    for pk, latest, recent_latest in rows:
        if pk not in found:
            continue
        found[pk].latest_nps = latest
        found[pk].recent_latest_nps = recent_latest


def _add_feedback(
    found: dict[int, CustomerFeatures],
    ids: QuerySet,
    organization: Organization | int,
    since: dt.datetime,
) -> None:
    analysed = Q(analysis__isnull=False)
    negative = Q(analysis__sentiment=Sentiment.NEGATIVE)
    recent = Q(occurred_at__gte=since)
    rows = (
        FeedbackItem.objects.for_organization(organization)
        .filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(
            n=Count("pk"),
            analysed=Count("pk", filter=analysed),
            negative=Count("pk", filter=negative),
            recent_analysed=Count("pk", filter=analysed & recent),
            recent_negative=Count("pk", filter=negative & recent),
        )
        .order_by()
    )
    for row in rows.order_by():
        if (features := found.get(row["customer_id"])) is None:
            continue
        features.feedback_items = row["n"]
        features.analysed_feedback = row["analysed"]
        features.negative_feedback = row["negative"]
        features.recent_analysed_feedback = row["recent_analysed"]
        features.recent_negative_feedback = row["recent_negative"]
    # Counted apart: joining the signals onto the items above would multiply their counts.
    intents = (
        FeedbackItem.objects.for_organization(organization)
        .filter(customer_id__in=ids, occurred_at__gte=since)
        .filter(text_signals__kind=SignalKind.CHURN_INTENT)
        .values("customer_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in intents:
        if row["customer_id"] in found:
            found[row["customer_id"]].recent_churn_intent = row["n"]


def _add_counts(
    found: dict[int, CustomerFeatures],
    ids: QuerySet,
    organization: Organization | int,
    *,
    contacts: bool,
) -> None:
    counted = (
        Interaction.objects.for_organization(organization)
        .filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counted if contacts else ():
        if row["customer_id"] in found:
            found[row["customer_id"]].contacts = row["n"]
    cases = (
        Case.objects.for_organization(organization)
        .filter(customer_id__in=ids, status__in=OPEN_STATUSES)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in cases:
        if row["customer_id"] in found:
            found[row["customer_id"]].open_cases = row["n"]


def customer_features(
    *,
    organization: Organization | int,
    customers: QuerySet[Customer] | None = None,
    now: dt.datetime | None = None,
    churn_only: bool = False,
) -> dict[int, CustomerFeatures]:
    """The figures of the organization's customers (not erased), or of those of
    `customers` (a queryset, e.g. one segment), by customer id: ten queries, seven with
    `churn_only` (which leaves out spend and contacts, which the churn risk does not use)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=RECENT_DAYS)
    scoped = _customers(organization, customers)
    found = {
        pk: CustomerFeatures(customer_id=pk, segment=segment)
        for pk, segment in scoped.values_list("pk", "segment")
    }
    if not found:
        return found
    # Filtering by the id subquery, not a list of ids: SQLite caps the number of
    # parameters, and 100k ids would be one very long statement on PostgreSQL.
    ids: QuerySet = scoped.values("pk")
    _add_orders(found, ids, organization, now, spend=not churn_only)
    _add_nps(found, ids, organization, since)
    _add_latest_nps(found, scoped, since)
    _add_feedback(found, ids, organization, since)
    _add_counts(found, ids, organization, contacts=not churn_only)
    return found


def organization_gap_days(*, organization: Organization | int) -> float:
    """The organization's usual gap between purchases (see `churn.typical_gap`): one
    grouped query over its repeat buyers."""
    rows = (
        Order.objects.for_organization(organization)
        .values("customer_id")
        .annotate(n=Count("pk"), first=Min("ordered_at"), last=Max("ordered_at"))
        .filter(n__gte=2)
        .order_by()
        .values_list("n", "first", "last")
    )
    return typical_gap([_days(last, first) / (n - 1) for n, first, last in rows])


def churn_inputs(features: CustomerFeatures, *, organization_gap_days: float) -> ChurnInputs:
    own = features.own_gap_days
    return ChurnInputs(
        days_since_last_order=features.days_since_last_order,
        typical_gap_days=own if own else organization_gap_days,
        gap_is_own=bool(own),
        latest_nps=features.recent_latest_nps,
        detractor_answers=features.recent_detractor_answers,
        analysed_feedback=features.recent_analysed_feedback,
        negative_feedback=features.recent_negative_feedback,
        open_cases=features.open_cases,
        churn_intent_items=features.recent_churn_intent,
    )


def churn_risks(
    features: dict[int, CustomerFeatures], *, organization_gap_days: float
) -> dict[int, ChurnRisk]:
    return {
        pk: churn_risk(churn_inputs(f, organization_gap_days=organization_gap_days))
        for pk, f in features.items()
    }


# --- Churn risk reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRow:
    customer_id: int
    features: CustomerFeatures
    risk: ChurnRisk
    customer: Customer | None = None


def customer_churn_risk(*, customer: Customer, now: dt.datetime | None = None) -> ChurnRisk:
    """One customer's churn risk: their figures (seven queries) against the
    organization's usual gap between purchases (one more)."""
    organization = customer.organization_id
    customers = Customer.objects.for_organization(organization).filter(pk=customer.pk)
    found = customer_features(
        organization=organization, customers=customers, now=now, churn_only=True
    )
    if customer.pk not in found:  # erased: nothing left to score
        return churn_risk(ChurnInputs())
    gap = organization_gap_days(organization=organization)
    return churn_risk(churn_inputs(found[customer.pk], organization_gap_days=gap))


@dataclass(frozen=True)
class Ranked:
    """One customer's place in the at-risk list: small, so the whole ranking of 100k
    customers caches and pages cheaply; `with_customers` adds the reasons for one page."""

    customer_id: int
    score: int
    band: str
    gap_days: float  # the organization's usual gap the score was computed with


# Writes that bypass `updated_at` (queryset updates) show within this long.
RANKING_CACHE_SECONDS = 600


def _ranking(
    organization: Organization | int, segment: str, now: dt.datetime | None
) -> list[Ranked]:
    customers = Customer.objects.for_organization(organization).filter(erased_at__isnull=True)
    if segment:
        customers = customers.filter(segment=segment)
    features = customer_features(
        organization=organization, customers=customers, now=now, churn_only=True
    )
    gap = organization_gap_days(organization=organization)
    risks = churn_risks(features, organization_gap_days=gap)
    ranked = [Ranked(pk, risk.score, risk.band, gap) for pk, risk in risks.items()]
    ranked.sort(key=lambda row: (-row.score, row.customer_id))
    return ranked


def customers_at_risk(
    *,
    organization: Organization | int,
    segment: str = "",
    band: str = "",
    now: dt.datetime | None = None,
) -> list[Ranked]:
    """The organization's customers (of one profile `segment`, if given) by churn risk,
    highest score first, keeping only `band` if given. Every customer is scored (there is
    no stored score to sort by), so the order is exact. The ranking is cached under the
    organization, the segment and `features_stamp`, so paging through it does not score
    everyone again; `with_customers` adds the customers and reasons of the page shown."""
    if now is not None:
        ranked = _ranking(organization, segment, now)
    else:
        organization_id = organization if isinstance(organization, int) else organization.pk
        stamp = features_stamp(organization=organization)
        key = (
            "at-risk:"
            + hashlib.sha256(repr((organization_id, segment, stamp)).encode()).hexdigest()
        )
        ranked = cache.get(key)
        if ranked is None:
            ranked = _ranking(organization, segment, None)
            cache.set(key, ranked, RANKING_CACHE_SECONDS)
    return [row for row in ranked if not band or row.band == band]


def with_customers(
    *, organization: Organization | int, rows: list[Ranked], now: dt.datetime | None = None
) -> list[RiskRow]:
    """The page's customers with their features and risk with reasons (ten queries
    whatever the page size), dropping any erased meanwhile. Scored against the usual gap
    the ranking used, so the scores shown are the ones it sorted by."""
    ids = [row.customer_id for row in rows]
    customers = Customer.objects.for_organization(organization).filter(
        erased_at__isnull=True, pk__in=ids
    )
    by_pk = customers.in_bulk()
    found = customer_features(
        organization=organization, customers=customers, now=now, churn_only=True
    )
    return [
        RiskRow(
            row.customer_id,
            found[row.customer_id],
            churn_risk(churn_inputs(found[row.customer_id], organization_gap_days=row.gap_days)),
            by_pk[row.customer_id],
        )
        for row in rows
        if row.customer_id in by_pk and row.customer_id in found
    ]


def with_customers_by_id(*, organization: Organization | int, ids: list[int]) -> list[Customer]:
    """The customers of `ids` in that order (one query), dropping any erased meanwhile."""
    by_pk = (
        Customer.objects.for_organization(organization).filter(erased_at__isnull=True).in_bulk(ids)
    )
    return [by_pk[pk] for pk in ids if pk in by_pk]


def features_stamp(*, organization: Organization | int) -> tuple[object, ...]:
    """What changes whenever a customer's features may have: the count and the latest
    `updated_at` of each source table (one aggregate per table). Callers cache figures
    computed from `customer_features` under this stamp, next to a short lifetime for the
    writes that bypass `updated_at` (queryset updates)."""
    sources = [Customer, Order, Interaction, FeedbackItem, Case, Answer, ItemAnalysis]
    stamp: list[object] = []
    for model in sources:
        figures = model.objects.filter(organization=organization).aggregate(
            n=Count("pk"), latest=Max("updated_at")
        )
        stamp += [figures["n"], figures["latest"]]
    return tuple(stamp)
