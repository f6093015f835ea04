"""The SLA sweep, run every minute: warn the owner before a due time, record a breach once,
and escalate a breached case (to the team's escalation team, raising its priority).

Each case is handled under a row lock and its `warned_at` / `breached_at` marks make a second
run (or a second worker) do nothing more."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.cases import notify
from clearloop.cases.models import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    Case,
    CaseEventKind,
    CasePriority,
    Notification,
    SlaPolicy,
    TeamSetup,
)
from clearloop.cases.services import _event, pick_owner

MAX_WARN = dt.timedelta(days=2)


def _due(case: Case) -> dt.datetime | None:
    """The next due time that still matters: first response until it is given."""
    if case.first_responded_at is None and case.first_response_due_at is not None:
        return min(case.first_response_due_at, case.resolution_due_at or case.first_response_due_at)
    return case.resolution_due_at


def _candidates(now: dt.datetime) -> list[int]:
    soon = now + MAX_WARN
    due_soon = Q(resolution_due_at__lte=soon) | Q(
        first_responded_at__isnull=True, first_response_due_at__lte=soon
    )
    return list(
        Case.objects.filter(
            status__in=OPEN_STATUSES, paused_at__isnull=True, breached_at__isnull=True
        )
        .filter(due_soon)
        .values_list("pk", flat=True)[:5000]
    )


def _escalate(case: Case) -> None:
    ranked = sorted(CasePriority.values, key=lambda p: PRIORITY_RANK[CasePriority(p)])
    index = ranked.index(case.priority)
    case.priority = ranked[min(index + 1, len(ranked) - 1)]
    setup = TeamSetup.objects.filter(team_id=case.team_id).select_related("escalation_team").first()
    if setup is not None and setup.escalation_team is not None:
        case.team = setup.escalation_team
        case.owner = pick_owner(case) or case.owner
    case.save(update_fields=["priority", "team", "owner", "updated_at"])
    _event(case, CaseEventKind.ESCALATED, None, to_value=case.priority, body=str(case.team or ""))
    if case.owner is not None:
        notify.notify(case, case.owner, Notification.Kind.ESCALATED)


@transaction.atomic
def _sweep_one(case_id: int, now: dt.datetime) -> None:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if (
        case is None
        or not case.is_open
        or case.paused_at is not None
        or case.breached_at is not None
    ):
        return
    due = _due(case)
    if due is None:
        return
    warn_minutes = (
        SlaPolicy.objects.filter(pk=case.sla_policy_id)
        .values_list("warn_before_minutes", flat=True)
        .first()
        or 60
    )
    if now >= due:
        case.breached_at = now
        case.save(update_fields=["breached_at", "updated_at"])
        _event(case, CaseEventKind.SLA_BREACH, None, to_value=due.isoformat())
        _escalate(case)
        from clearloop.cases.publishing import case_published

        case_published(case, "case.updated")
    elif case.warned_at is None and now >= due - dt.timedelta(minutes=warn_minutes):
        case.warned_at = now
        case.save(update_fields=["warned_at", "updated_at"])
        _event(case, CaseEventKind.SLA_WARNING, None, to_value=due.isoformat(), body=_("Due soon."))
        if case.owner is not None:
            notify.notify(case, case.owner, Notification.Kind.SLA_WARNING)


def sla_sweep(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    ids = _candidates(now)
    for case_id in ids:
        _sweep_one(case_id, now)
    return len(ids)
