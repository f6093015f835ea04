"""Reads for cases: the queue with its filters and saved views, a case with its history,
what a member may see, counts for the queue's side bar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as Cases
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from clearloop.accounts.models import Membership
from clearloop.accounts.roles import Capability
from clearloop.accounts.tokens import digest
from clearloop.cases.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseRule,
    CaseSavedView,
    GoodwillOffer,
    Notification,
)

SORTS: dict[str, tuple[Any, ...]] = {
    "due": (F("resolution_due_at").asc(nulls_last=True), "pk"),
    "first_response": (F("first_response_due_at").asc(nulls_last=True), "pk"),
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "priority": ("-priority_rank", F("resolution_due_at").asc(nulls_last=True), "pk"),
}
BUILT_IN_VIEWS = ("mine", "breaching_today", "unassigned", "waiting", "done")


@dataclass(frozen=True)
class CaseFilters:
    view: str = ""
    status: str = ""
    priority: str = ""
    owner: int | None = None
    team: int | None = None
    q: str = ""
    sort: str = "due"
    customer: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def sees_all_cases(membership: Membership) -> bool:
    return membership.allows(Capability.MANAGE_CASE_RULES)


def cases_visible(*, membership: Membership) -> QuerySet[Case]:
    """Managers and admins see every case; other roles see their own cases, their teams'
    cases and cases no team holds yet."""
    cases = Case.objects.for_organization(membership.organization_id)
    if sees_all_cases(membership):
        return cases
    team_ids = list(
        membership.user.teams.filter(organization_id=membership.organization_id).values_list(
            "pk", flat=True
        )
    )
    return cases.filter(
        Q(owner_id=membership.user_id) | Q(team_id__in=team_ids) | Q(team__isnull=True)
    )


def _end_of_today(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=23, minute=59, second=59, microsecond=999999)


def _view(cases: QuerySet[Case], view: str, membership: Membership) -> QuerySet[Case]:
    now = timezone.now()
    if view == "mine":
        return cases.filter(owner_id=membership.user_id, status__in=OPEN_STATUSES)
    if view == "breaching_today":
        today_end = _end_of_today(now)
        return cases.filter(status__in=OPEN_STATUSES, paused_at__isnull=True).filter(
            Q(resolution_due_at__lte=today_end)
            | Q(first_responded_at__isnull=True, first_response_due_at__lte=today_end)
        )
    if view == "unassigned":
        return cases.filter(owner__isnull=True, status__in=OPEN_STATUSES)
    if view == "waiting":
        return cases.filter(paused_at__isnull=False, status__in=OPEN_STATUSES)
    if view == "done":
        return cases.filter(status__in=DONE_STATUSES)
    return cases


def cases_list(*, membership: Membership, filters: CaseFilters) -> QuerySet[Case]:
    cases = _view(cases_visible(membership=membership), filters.view, membership)
    if not filters.view and not filters.status:
        cases = cases.filter(status__in=OPEN_STATUSES)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.owner:
        cases = cases.filter(owner_id=filters.owner)
    if filters.team:
        cases = cases.filter(team_id=filters.team)
    if filters.customer:
        cases = cases.filter(customer_id=filters.customer)
    if filters.q:
        term = filters.q.strip()
        match = (
            Q(subject__icontains=term)
            | Q(customer__name__icontains=term)
            | Q(customer__email__icontains=term)
        )
        if term.lstrip("#").removeprefix("CL-").isdigit():
            match |= Q(pk=int(term.lstrip("#").removeprefix("CL-")))
        cases = cases.filter(match)
    rank = Cases(
        When(priority="urgent", then=Value(3)),
        When(priority="high", then=Value(2)),
        When(priority="normal", then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    order = SORTS.get(filters.sort, SORTS["due"])
    return (
        cases.annotate(priority_rank=rank)
        .select_related("customer", "owner", "team")
        .order_by(*order)
    )


def view_counts(*, membership: Membership) -> dict[str, int]:
    """How many cases each built-in view holds: one query per view (six small counts)."""
    visible = cases_visible(membership=membership)
    return {view: _view(visible, view, membership).count() for view in BUILT_IN_VIEWS}


def case_get(*, membership: Membership, pk: int) -> Case:
    case = (
        cases_visible(membership=membership)
        .select_related(
            "customer", "owner", "team", "response__survey", "feedback_item", "sla_policy"
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("No case matches the given query.")
    return case


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "pk")


def case_for_status_token(*, token: str) -> Case | None:
    if not token or len(token) > 100:
        return None
    return (
        Case.objects.filter(status_token_hash=digest(token)).select_related("organization").first()
    )


def rules_list(*, organization_id: int) -> QuerySet[CaseRule]:
    return CaseRule.objects.for_organization(organization_id).select_related("team")


def offers_active(*, organization_id: int) -> QuerySet[GoodwillOffer]:
    return GoodwillOffer.objects.for_organization(organization_id).filter(active=True)


def saved_views_of(*, membership: Membership) -> QuerySet[CaseSavedView]:
    return CaseSavedView.objects.for_organization(membership.organization_id).filter(
        owner_id=membership.user_id
    )


def notifications_unread(*, membership: Membership) -> QuerySet[Notification]:
    return (
        Notification.objects.for_organization(membership.organization_id)
        .filter(user_id=membership.user_id, read_at__isnull=True)
        .select_related("case")
    )


def status_counts(*, organization_id: int) -> dict[str, int]:
    rows = Case.objects.for_organization(organization_id).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


@dataclass(frozen=True)
class BreachDay:
    day: dt.date
    due: int  # cases whose resolution was due that day (and the due time has passed)
    breached: int  # of them, those whose SLA was breached

    @property
    def share(self) -> float:
        return self.breached / self.due if self.due else 0.0


def sla_breaches_daily(
    *,
    organization_id: int,
    start: dt.date,
    end: dt.date,
    zone: dt.tzinfo,
    team_id: int | None = None,
) -> list[BreachDay]:
    """Per day of the resolution due time (in `zone`), from `start` to `end`: how many
    cases were due and how many breached their SLA. A case counts once its due time has
    passed, when it has met or missed it for good, so today's share is not flattered by
    cases still in time. One GROUP BY; days without cases due are left out."""
    from django.db.models.functions import TruncDate

    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = min(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
                timezone.now())  # fmt: skip
    cases = Case.objects.for_organization(organization_id).filter(
        resolution_due_at__gte=since, resolution_due_at__lt=until
    )
    if team_id is not None:
        cases = cases.filter(team_id=team_id)
    rows = (
        cases.annotate(day=TruncDate("resolution_due_at", tzinfo=zone))
        .values("day")
        .annotate(due=Count("pk"), breached=Count("pk", filter=Q(breached_at__isnull=False)))
        .order_by("day")
    )
    return [BreachDay(row["day"], row["due"], row["breached"]) for row in rows]


# --- SLA compliance counts (read by analytics) ----------------------------------------

SLA_GROUPS = ("team", "priority")


@dataclass(frozen=True)
class SlaScope:
    """Which cases an SLA figure counts: opened in [opened_from, opened_before), of one
    team (`no_team` for cases no team holds), priority and channel (the channel of the
    interaction behind the case, else of the survey response; `no_channel` for cases
    opened from neither)."""

    opened_from: dt.datetime | None = None
    opened_before: dt.datetime | None = None
    team_id: int | None = None
    no_team: bool = False
    priority: str = ""
    channel: str = ""
    no_channel: bool = False


@dataclass(frozen=True)
class SlaCounts:
    """Cases whose first-response (resolution) target has come due or been reached, and
    how many of them reached it in time."""

    first_response_due: int = 0
    first_response_met: int = 0
    resolution_due: int = 0
    resolution_met: int = 0


def _sla_aggregates(now: dt.datetime) -> dict[str, Count]:
    # A case counts once its target is settled: reached (in time or late) or overdue. Open
    # cases not yet due are left out, so a case due Monday 10:00 after a weekend is not
    # counted on Saturday: due times already honour business hours (`clock.recompute_due`).
    # A paused case has no due time (its clock is stopped) and is left out too.
    responded = Q(first_responded_at__isnull=False)
    first_due = Q(first_response_due_at__isnull=False) & (
        responded | Q(first_response_due_at__lte=now)
    )
    first_met = responded & Q(first_responded_at__lte=F("first_response_due_at"))
    # Closing without resolving still ends the case's resolution clock.
    done = Q(resolved_at__isnull=False) | Q(closed_at__isnull=False)
    resolution_due = Q(resolution_due_at__isnull=False) & (done | Q(resolution_due_at__lte=now))
    resolution_met = Q(resolved_at__isnull=False, resolved_at__lte=F("resolution_due_at")) | Q(
        resolved_at__isnull=True, closed_at__isnull=False, closed_at__lte=F("resolution_due_at")
    )
    return {
        "first_response_due": Count("pk", filter=first_due),
        "first_response_met": Count("pk", filter=first_due & first_met),
        "resolution_due": Count("pk", filter=resolution_due),
        "resolution_met": Count("pk", filter=resolution_due & resolution_met),
    }


def _sla_scoped(organization_id: int, scope: SlaScope) -> QuerySet[Case]:
    cases = Case.objects.for_organization(organization_id)
    if scope.opened_from is not None:
        cases = cases.filter(created_at__gte=scope.opened_from)
    if scope.opened_before is not None:
        cases = cases.filter(created_at__lt=scope.opened_before)
    if scope.no_team:
        cases = cases.filter(team__isnull=True)
    elif scope.team_id is not None:
        cases = cases.filter(team_id=scope.team_id)
    if scope.priority:
        cases = cases.filter(priority=scope.priority)
    if scope.no_channel:
        cases = cases.filter(interaction__isnull=True, response__isnull=True)
    elif scope.channel:
        cases = cases.filter(
            Q(interaction__channel=scope.channel)
            | Q(interaction__isnull=True, response__channel=scope.channel)
        )
    return cases


def sla_counts(
    *, organization_id: int, scope: SlaScope, now: dt.datetime | None = None, group: str = ""
) -> dict[Any, SlaCounts]:
    """{group value: SlaCounts} of the organization's cases under `scope`, counted in the
    database in one query (conditional aggregates); the single key "" without `group`,
    else one key per team id (None: no team) or priority."""
    if group and group not in SLA_GROUPS:
        raise ValueError(f"SLA counts group by {', '.join(SLA_GROUPS)}, not {group!r}.")
    aggregates = _sla_aggregates(now or timezone.now())
    cases = _sla_scoped(organization_id, scope)
    if not group:
        return {"": SlaCounts(**cases.aggregate(**aggregates))}
    column = "team_id" if group == "team" else "priority"
    rows = cases.order_by().values(column).annotate(**aggregates)
    return {row.pop(column): SlaCounts(**row) for row in rows}
