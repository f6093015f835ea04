"""The bridge between cases and the pure SLA clock (`clearloop.cases.sla`): which calendar
and targets apply to a case, and its due times recomputed from them."""

from __future__ import annotations

import datetime as dt

from clearloop.cases import sla
from clearloop.cases.models import (
    BusinessHours,
    Case,
    CaseSettings,
    SlaPolicy,
    SlaTarget,
    TeamSetup,
)


def calendar_of(hours: BusinessHours | None) -> sla.BusinessCalendar:
    if hours is None:
        return sla.ALWAYS_OPEN
    holidays = frozenset(dt.date.fromisoformat(day) for day in hours.holidays or [])
    return sla.BusinessCalendar(hours.time_zone, sla.parse_week(hours.week or {}), holidays)


def _team_setup(case: Case) -> TeamSetup | None:
    if case.team_id is None:
        return None
    return (
        TeamSetup.objects.filter(team_id=case.team_id)
        .select_related("business_hours", "sla_policy")
        .first()
    )


def policy_for(case: Case, settings: CaseSettings) -> tuple[SlaPolicy | None, sla.BusinessCalendar]:
    setup = _team_setup(case)
    policy = (setup.sla_policy if setup else None) or settings.default_sla_policy
    hours = (policy.business_hours if policy else None) or (setup.business_hours if setup else None)
    return policy, calendar_of(hours)


def calendar_for(case: Case) -> sla.BusinessCalendar:
    if case.sla_policy_id is None and case.team_id is None:
        return sla.ALWAYS_OPEN
    settings = CaseSettings.objects.filter(organization_id=case.organization_id).first()
    return policy_for(case, settings or CaseSettings(organization_id=case.organization_id))[1]


def recompute_due(case: Case, settings: CaseSettings) -> None:
    """Set the case's policy and due times from its team, priority and pauses (not saved)."""
    policy, calendar = policy_for(case, settings)
    case.sla_policy = policy
    target = (
        SlaTarget.objects.filter(policy=policy, priority=case.priority).first() if policy else None
    )
    if target is None or case.paused_at is not None:
        case.first_response_due_at = case.resolution_due_at = None
        return
    started = case.created_at
    pauses_seconds = case.paused_seconds
    case.first_response_due_at = sla.add_business_seconds(
        started, target.first_response_minutes * 60 + pauses_seconds, calendar
    )
    case.resolution_due_at = sla.add_business_seconds(
        started, target.resolution_minutes * 60 + pauses_seconds, calendar
    )
