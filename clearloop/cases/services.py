"""The write layer of cases: each function one transaction, the case's history written in
the same transaction, side effects (email, webhooks, notifications by email) after commit.

Who may do what: every write takes `by` (the acting membership; None for the system, e.g. a
rule) and needs WORK_CASES; rule and settings writes need MANAGE_CASE_RULES.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization, Team, User
from clearloop.accounts.roles import Capability, role_allows
from clearloop.accounts.tokens import digest, new_secret
from clearloop.cases import clock, notify, sla, triage
from clearloop.cases.models import (
    OPEN_STATUSES,
    AgentSkill,
    AssignmentStrategy,
    BusinessHours,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseGoodwill,
    CasePriority,
    CaseRule,
    CaseSettings,
    CaseStatus,
    GoodwillOffer,
    Level,
    Notification,
    RootCause,
    SlaPolicy,
    SlaTarget,
    TeamSetup,
)
from clearloop.cases.rules import conditions_clean, topic_ids
from clearloop.core.errors import Conflict, PermissionDenied, ValidationFailed
from clearloop.core.scoping import assert_same_organization
from clearloop.customers.models import Customer, Interaction, Order
from clearloop.feedback.models import FeedbackItem
from clearloop.surveys.models import Response

MENTION = re.compile(r"@([\w.+-]+)")
ROOT_CAUSES = tuple(RootCause.values)


# --- Helpers ------------------------------------------------------------------------------


def _require(by: Membership | None, capability: Capability, organization_id: int) -> None:
    if by is None:
        return  # the system itself (rules, periodic tasks)
    if by.organization_id != organization_id:
        raise PermissionDenied(_("This case belongs to another organization."))
    if not by.allows(capability):
        raise PermissionDenied(_("Your role does not allow working on cases."))


def _actor(by: Membership | None) -> User | None:
    return by.user if by is not None and by.user_id else None


def settings_for(organization_id: int) -> CaseSettings:
    found, _created = CaseSettings.objects.get_or_create(organization_id=organization_id)
    return found


def _event(case: Case, kind: str, by: Membership | None, **fields: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        organization_id=case.organization_id, case=case, kind=kind, actor=_actor(by), **fields
    )


def _save(case: Case, *fields: str) -> None:
    case.save(update_fields=[*fields, "updated_at"])


def _changed(case: Case) -> None:
    from clearloop.cases.publishing import case_published

    case_published(case, "case.updated")


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def members_with(organization_id: int, capability: Capability) -> list[Membership]:
    memberships = Membership.objects.filter(organization_id=organization_id).select_related("user")
    return [m for m in memberships if role_allows(m.role, capability) and m.user.is_active]


# --- Triage and assignment ----------------------------------------------------------------


def _spent(customer: Customer | None) -> Decimal | None:
    if customer is None:
        return None
    total = Order.objects.filter(customer=customer).aggregate(total=Sum("amount"))["total"]
    return Decimal(total) if total is not None else None


def _triage(case: Case, settings: CaseSettings, *, nps: int | None, csat: int | None) -> None:
    waiting_hours = 0.0
    if case.interaction_id and case.interaction and case.interaction.wait_seconds:
        waiting_hours = case.interaction.wait_seconds / 3600
    case.urgency = triage.urgency_of(nps=nps, csat=csat, waiting_hours=waiting_hours)
    case.importance = triage.importance_of(
        segment=case.customer.segment if case.customer else "",
        important_segments=list(settings.high_value_segments or []),
        spent=_spent(case.customer),
    )
    case.priority = triage.priority_for(case.urgency, case.importance, settings.priority_matrix)


def _workers(team: Team) -> list[User]:
    member_ids = set(team.members.values_list("pk", flat=True))
    memberships = members_with(team.organization_id, Capability.WORK_CASES)
    return sorted((m.user for m in memberships if m.user_id in member_ids), key=lambda u: u.pk)


def _open_load(organization_id: int, users: Sequence[User]) -> dict[int, int]:
    rows = (
        Case.objects.for_organization(organization_id)
        .filter(owner__in=users, status__in=OPEN_STATUSES)
        .values("owner")
        .annotate(n=Count("pk"))
    )
    return {row["owner"]: row["n"] for row in rows}


def _least_loaded(organization_id: int, users: Sequence[User]) -> User:
    load = _open_load(organization_id, users)
    return min(users, key=lambda user: (load.get(user.pk, 0), user.pk))


def _skilled(case: Case, users: Sequence[User]) -> list[User]:
    skills = {
        skill.user_id: skill
        for skill in AgentSkill.objects.for_organization(case.organization_id).filter(
            user__in=users
        )
    }

    def fits(user: User) -> bool:
        skill = skills.get(user.pk)
        if skill is None:
            return False
        language_ok = not case.language or case.language in (skill.languages or [])
        category_ok = not case.category or not skill.categories or case.category in skill.categories
        return language_ok and category_ok

    return [user for user in users if fits(user)] or list(users)


def pick_owner(case: Case) -> User | None:
    """Who takes a case routed to its team, by the team's strategy (None: no one fits)."""
    if case.team_id is None:
        return None
    setup, _created = TeamSetup.objects.select_for_update().get_or_create(
        team_id=case.team_id, defaults={"organization_id": case.organization_id}
    )
    users = _workers(case.team)  # type: ignore[arg-type]
    if not users or setup.assignment == AssignmentStrategy.MANUAL:
        return None
    if setup.assignment == AssignmentStrategy.LEAST_LOAD:
        return _least_loaded(case.organization_id, users)
    if setup.assignment == AssignmentStrategy.SKILL:
        return _least_loaded(case.organization_id, _skilled(case, users))
    after = [
        user for user in users if setup.last_assigned_id is None or user.pk > setup.last_assigned_id
    ]
    chosen = (after or users)[0]
    setup.last_assigned = chosen
    setup.save(update_fields=["last_assigned", "updated_at"])
    return chosen


# --- Opening ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """What opened a case: the response, feedback item or interaction, and the scores."""

    response: Response | None = None
    feedback_item: FeedbackItem | None = None
    interaction: Interaction | None = None
    nps: int | None = None
    csat: int | None = None


def _existing_open(organization_id: int, customer: Customer | None, topic: str) -> Case | None:
    if customer is None or not topic:
        return None
    return (
        Case.objects.for_organization(organization_id)
        .filter(customer=customer, topic=topic, status__in=OPEN_STATUSES)
        .first()
    )


@transaction.atomic
def case_open(
    *,
    organization: Organization,
    subject: str,
    by: Membership | None,
    customer: Customer | None = None,
    origin: Origin = Origin(),
    rule: CaseRule | None = None,
    topic: str = "",
    team: Team | None = None,
    category: str = "",
    priority: str = "",
    owner: User | None = None,
) -> tuple[Case, bool]:
    """Open a case, or return the customer's open case on the same topic (False)."""
    _require(by, Capability.WORK_CASES, organization.pk)
    assert_same_organization(
        organization,
        customer,
        origin.response,
        origin.feedback_item,
        origin.interaction,
        team,
        rule,
    )
    subject = " ".join(subject.split())[:200]
    if not subject:
        raise ValidationFailed(_("Give the case a subject."), fields={"subject": "required"})
    existing = _existing_open(organization.pk, customer, topic)
    if existing is not None:
        return existing, False
    settings = settings_for(organization.pk)
    case = Case(
        organization=organization,
        customer=customer,
        response=origin.response,
        feedback_item=origin.feedback_item,
        interaction=origin.interaction,
        rule=rule,
        topic=topic,
        subject=subject,
        team=team or (rule.team if rule else None) or settings.default_team,
        category=category or (rule.category if rule else ""),
        language=(customer.language if customer else "") or organization.default_language,
        opening_score=origin.nps,
    )
    _triage(case, settings, nps=origin.nps, csat=origin.csat)
    if priority:
        if priority not in CasePriority.values:
            raise ValidationFailed(_("Unknown priority."), fields={"priority": "invalid"})
        case.priority = priority
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # a concurrent rule run opened it first
        existing = _existing_open(organization.pk, customer, topic)
        if existing is None:
            raise
        return existing, False
    clock.recompute_due(case, settings)
    _member_user(organization.pk, owner)
    case.owner = owner or pick_owner(case)
    _save(case, "sla_policy", "first_response_due_at", "resolution_due_at", "owner")
    _event(
        case,
        CaseEventKind.OPENED,
        by,
        to_value=case.status,
        body=subject,
        metadata={"rule": rule.pk if rule else None, "priority": case.priority},
    )
    if case.owner is not None:
        _event(case, CaseEventKind.ASSIGNED, None, to_value=str(case.owner))
        notify.notify(case, case.owner, Notification.Kind.ASSIGNED)
    from clearloop.cases.publishing import case_published

    case_published(case, "case.created")
    return case, True


# --- Assigning, handing off, fields ---------------------------------------------------------


def _member_user(organization_id: int, user: User | None) -> None:
    if user is None:
        return
    if not Membership.objects.filter(organization_id=organization_id, user=user).exists():
        raise ValidationFailed(
            _("The owner must be a member of this organization."), fields={"owner": "not_member"}
        )


@transaction.atomic
def case_assign(*, case: Case, owner: User | None, by: Membership | None) -> Case:
    _require(by, Capability.WORK_CASES, case.organization_id)
    _member_user(case.organization_id, owner)
    case = _locked(case)
    if case.owner_id == (owner.pk if owner else None):
        return case
    before = str(case.owner) if case.owner else ""
    case.owner = owner
    if case.status == CaseStatus.NEW and owner is not None:
        case.status = CaseStatus.OPEN
    _save(case, "owner", "status")
    _event(case, CaseEventKind.ASSIGNED, by, from_value=before, to_value=str(owner or ""))
    if owner is not None and (by is None or owner.pk != by.user_id):
        notify.notify(case, owner, Notification.Kind.ASSIGNED)
    _changed(case)
    return case


def _mentioned(organization_id: int, body: str) -> list[User]:
    handles = {handle.lower().rstrip(".") for handle in MENTION.findall(body)}
    if not handles:
        return []
    members = Membership.objects.filter(organization_id=organization_id).select_related("user")
    return [
        m.user
        for m in members
        if m.user.email.split("@")[0].lower() in handles or m.user.email.lower() in handles
    ]


@transaction.atomic
def case_add_note(*, case: Case, body: str, by: Membership | None) -> CaseEvent:
    """An internal note; @handle (the part of a member's email before @) notifies them."""
    _require(by, Capability.WORK_CASES, case.organization_id)
    body = body.strip()
    if not body:
        raise ValidationFailed(_("Write something in the note."), fields={"body": "required"})
    mentioned = _mentioned(case.organization_id, body)
    event = _event(
        case, CaseEventKind.NOTE, by, body=body[:10000], mentions=[u.pk for u in mentioned]
    )
    for user in mentioned:
        notify.notify(case, user, Notification.Kind.MENTION)
    return event


@transaction.atomic
def case_hand_off(*, case: Case, team: Team, note: str, by: Membership | None) -> Case:
    """Move the case to another team with an internal note (@mentions notify); the team's
    strategy picks the new owner."""
    _require(by, Capability.WORK_CASES, case.organization_id)
    assert_same_organization(case.organization, team)
    if not note.strip():
        raise ValidationFailed(_("Say why you hand the case off."), fields={"note": "required"})
    case = _locked(case)
    before = str(case.team) if case.team else ""
    case.team = team
    case.owner = pick_owner(case)
    clock.recompute_due(case, settings_for(case.organization_id))
    _save(case, "team", "owner", "sla_policy", "first_response_due_at", "resolution_due_at")
    _event(case, CaseEventKind.TEAM, by, from_value=before, to_value=str(team))
    case_add_note(case=case, body=note, by=by)
    if case.owner is not None:
        notify.notify(case, case.owner, Notification.Kind.ASSIGNED)
    _changed(case)
    return case


@transaction.atomic
def case_set_priority(*, case: Case, priority: str, by: Membership | None) -> Case:
    _require(by, Capability.WORK_CASES, case.organization_id)
    if priority not in CasePriority.values:
        raise ValidationFailed(_("Unknown priority."), fields={"priority": "invalid"})
    case = _locked(case)
    if case.priority == priority:
        return case
    before, case.priority = case.priority, priority
    clock.recompute_due(case, settings_for(case.organization_id))
    _save(case, "priority", "sla_policy", "first_response_due_at", "resolution_due_at")
    _event(case, CaseEventKind.PRIORITY, by, from_value=before, to_value=priority)
    _changed(case)
    return case


@transaction.atomic
def case_update_details(
    *,
    case: Case,
    by: Membership | None,
    subject: str | None = None,
    category: str | None = None,
    tags: list[str] | None = None,
) -> Case:
    _require(by, Capability.WORK_CASES, case.organization_id)
    case = _locked(case)
    changes: dict[str, Any] = {}
    if subject is not None and subject.strip() and subject.strip() != case.subject:
        changes["subject"] = subject.strip()[:200]
    if category is not None and category.strip() != case.category:
        changes["category"] = category.strip()[:60]
    if tags is not None:
        cleaned = sorted({tag.strip()[:40] for tag in tags if tag.strip()})
        if cleaned != sorted(case.tags or []):
            changes["tags"] = cleaned
    if not changes:
        return case
    before = {name: getattr(case, name) for name in changes}
    for name, value in changes.items():
        setattr(case, name, value)
    _save(case, *changes)
    _event(case, CaseEventKind.FIELDS, by, metadata={"from": before, "to": changes})
    _changed(case)
    return case


# --- Status and the SLA clock -------------------------------------------------------------


def _pause(case: Case, now: Any) -> None:
    if case.paused_at is None:
        case.paused_at = now
        case.first_response_due_at = case.resolution_due_at = None


def _resume(case: Case, now: Any) -> None:
    if case.paused_at is None:
        return
    calendar = clock.calendar_for(case)
    case.paused_seconds += sla.business_seconds_between(case.paused_at, now, calendar)
    case.paused_at = None
    clock.recompute_due(case, settings_for(case.organization_id))


def _move(case: Case, status: str, by: Membership | None, *, body: str = "") -> None:
    """Change the status with its clock effects and history entry (case already locked)."""
    if case.status == status:
        return
    now = timezone.now()
    before = case.status
    case.status = status
    if status == CaseStatus.WAITING_ON_CUSTOMER:
        _pause(case, now)
    else:
        _resume(case, now)
    if status == CaseStatus.RESOLVED:
        case.resolved_at = now
    if status == CaseStatus.CLOSED:
        case.closed_at = now
    if status in OPEN_STATUSES:
        case.resolved_at = case.closed_at = None
    _save(
        case,
        "status",
        "paused_at",
        "paused_seconds",
        "first_response_due_at",
        "resolution_due_at",
        "sla_policy",
        "resolved_at",
        "closed_at",
    )
    _event(case, CaseEventKind.STATUS, by, from_value=before, to_value=status, body=body)


@transaction.atomic
def case_change_status(*, case: Case, status: str, by: Membership | None) -> Case:
    """Any move but resolving (which needs a root cause: `case_resolve`)."""
    _require(by, Capability.WORK_CASES, case.organization_id)
    if status not in CaseStatus.values:
        raise ValidationFailed(_("Unknown status."), fields={"status": "invalid"})
    if status == CaseStatus.RESOLVED:
        raise ValidationFailed(
            _("Resolve a case with its root cause and corrective action."),
            fields={"status": "resolve_needs_root_cause"},
        )
    case = _locked(case)
    if status == CaseStatus.CLOSED and case.status != CaseStatus.RESOLVED:
        raise Conflict(_("Resolve the case before closing it."))
    _move(case, status, by)
    _changed(case)
    return case


@transaction.atomic
def case_resolve(
    *,
    case: Case,
    root_cause: str,
    corrective_action: str,
    by: Membership | None,
    send_follow_up: bool = False,
) -> Case:
    _require(by, Capability.WORK_CASES, case.organization_id)
    errors = {}
    if root_cause not in ROOT_CAUSES:
        errors["root_cause"] = _("Choose the root cause.")
    if not corrective_action.strip():
        errors["corrective_action"] = _("Say what was done to fix it.")
    if errors:
        raise ValidationFailed(
            _("A resolved case needs its root cause and corrective action."), fields=errors
        )
    case = _locked(case)
    if not case.is_open:
        raise Conflict(_("This case is already resolved."))
    case.root_cause, case.corrective_action = root_cause, corrective_action.strip()[:5000]
    _save(case, "root_cause", "corrective_action")
    _move(case, CaseStatus.RESOLVED, by, body=case.corrective_action)
    if send_follow_up:
        from clearloop.cases.follow_up import follow_up_send

        follow_up_send(case=case)
    from clearloop.cases.publishing import case_published

    case_published(case, "case.resolved")
    return case


# --- Goodwill -----------------------------------------------------------------------------


@transaction.atomic
def goodwill_attach(*, case: Case, offer: GoodwillOffer, by: Membership | None) -> CaseGoodwill:
    _require(by, Capability.WORK_CASES, case.organization_id)
    assert_same_organization(case.organization, offer)
    if not offer.active:
        raise Conflict(_("This offer is no longer available."))
    given, created = CaseGoodwill.objects.get_or_create(
        organization_id=case.organization_id,
        case=case,
        offer=offer,
        defaults={"attached_by": _actor(by)},
    )
    if created:
        _event(case, CaseEventKind.GOODWILL, by, to_value=offer.name, metadata={"offer": offer.pk})
    return given


# --- Bulk ---------------------------------------------------------------------------------


@transaction.atomic
def cases_bulk(
    *,
    cases: Iterable[Case],
    by: Membership,
    action: str,
    owner: User | None = None,
    priority: str = "",
    status: str = "",
) -> int:
    count = 0
    for case in cases:
        if action == "assign":
            case_assign(case=case, owner=owner, by=by)
        elif action == "priority":
            case_set_priority(case=case, priority=priority, by=by)
        elif action == "status":
            case_change_status(case=case, status=status, by=by)
        else:
            raise ValidationFailed(_("Unknown bulk action."), fields={"action": "invalid"})
        count += 1
    return count


# --- Configuration (MANAGE_CASE_RULES) ------------------------------------------------------


@transaction.atomic
def rule_create(
    *,
    organization: Organization,
    by: Membership | None,
    name: str,
    conditions: Any,
    match_all: bool = True,
    topic: str = "",
    team: Team | None = None,
    category: str = "",
) -> CaseRule:
    _require(by, Capability.MANAGE_CASE_RULES, organization.pk)
    assert_same_organization(organization, team)
    if not name.strip():
        raise ValidationFailed(_("Name the rule."), fields={"name": "required"})
    cleaned = conditions_clean(conditions)
    _check_topics(organization, topic_ids(cleaned))
    return CaseRule.objects.create(
        organization=organization,
        name=name.strip()[:120],
        conditions=cleaned,
        match_all=match_all,
        topic=topic.strip()[:60],
        team=team,
        category=category.strip()[:60],
    )


def _check_topics(organization: Organization, wanted: set[int]) -> None:
    """A topic condition names one of the organization's own live topics."""
    from clearloop.textanalysis.selectors import live_topics

    if not wanted:
        return
    known = set(
        live_topics(organization=organization).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - known:
        raise ValidationFailed(
            _("No topic with id %(ids)s; pick one of your topics (text analysis, topics).")
            % {"ids": ", ".join(str(pk) for pk in sorted(wanted - known))},
            fields={"conditions": "unknown_topic"},
        )


@transaction.atomic
def rule_set_active(*, rule: CaseRule, active: bool, by: Membership) -> CaseRule:
    _require(by, Capability.MANAGE_CASE_RULES, rule.organization_id)
    rule.active = active
    rule.save(update_fields=["active", "updated_at"])
    return rule


@transaction.atomic
def rule_delete(*, rule: CaseRule, by: Membership) -> None:
    _require(by, Capability.MANAGE_CASE_RULES, rule.organization_id)
    rule.delete()


@transaction.atomic
def goodwill_offer_create(
    *, organization: Organization, by: Membership, name: str, kind: str, value: str
) -> GoodwillOffer:
    _require(by, Capability.MANAGE_CASE_RULES, organization.pk)
    if not name.strip() or not value.strip():
        raise ValidationFailed(_("Give the offer a name and a value."), fields={"name": "required"})
    return GoodwillOffer.objects.create(
        organization=organization, name=name.strip()[:120], kind=kind, value=value.strip()[:120]
    )


def status_token_issue(case: Case) -> str:
    """A fresh status-page token for the case (only its digest is kept; the previous link
    stops working, as with survey reminders)."""
    token = new_secret()
    Case.objects.filter(pk=case.pk).update(status_token_hash=digest(token))
    case.status_token_hash = digest(token)
    return token


LEVELS = Level.values


# --- SLA configuration (MANAGE_CASE_RULES) ---------------------------------------------------


@transaction.atomic
def business_hours_create(
    *,
    organization: Organization,
    by: Membership | None,
    name: str,
    time_zone: str,
    weekdays: Sequence[int],
    opens: str,
    closes: str,
    holidays: Sequence[str] = (),
) -> BusinessHours:
    """One opening interval on the chosen weekdays (no weekdays: around the clock)."""
    _require(by, Capability.MANAGE_CASE_RULES, organization.pk)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Name the business hours.")
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = _("Choose a time zone from the list.")
    week = {str(day): [[opens, closes]] for day in sorted(set(weekdays)) if 0 <= day <= 6}
    try:
        sla.parse_week(week)
    except ValueError:
        errors["opens"] = _("Give opening and closing times as HH:MM, closing after opening.")
    days = []
    for text in holidays:
        try:
            days.append(dt.date.fromisoformat(text.strip()).isoformat())
        except ValueError:
            errors["holidays"] = _("Write holidays as YYYY-MM-DD, one per line.")
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return BusinessHours.objects.create(
        organization=organization,
        name=name.strip()[:120],
        time_zone=time_zone,
        week=week,
        holidays=sorted(set(days)),
    )


@transaction.atomic
def sla_policy_create(
    *,
    organization: Organization,
    by: Membership | None,
    name: str,
    business_hours: BusinessHours | None,
    targets: dict[str, tuple[int, int]],
    warn_before_minutes: int = 60,
) -> SlaPolicy:
    """`targets`: priority -> (first response, resolution) in working minutes."""
    _require(by, Capability.MANAGE_CASE_RULES, organization.pk)
    assert_same_organization(organization, business_hours)
    if not name.strip():
        raise ValidationFailed(_("Name the policy."), fields={"name": "required"})
    if not targets or any(first <= 0 or resolve < first for first, resolve in targets.values()):
        raise ValidationFailed(
            _("Each target needs a first response time, and a resolution time no shorter."),
            fields={"targets": "invalid"},
        )
    policy = SlaPolicy.objects.create(
        organization=organization,
        name=name.strip()[:120],
        business_hours=business_hours,
        warn_before_minutes=max(0, warn_before_minutes),
    )
    SlaTarget.objects.bulk_create(
        SlaTarget(
            organization=organization,
            policy=policy,
            priority=priority,
            first_response_minutes=first,
            resolution_minutes=resolve,
        )
        for priority, (first, resolve) in targets.items()
        if priority in CasePriority.values
    )
    return policy


@transaction.atomic
def team_setup_save(
    *,
    team: Team,
    by: Membership | None,
    assignment: str,
    sla_policy: SlaPolicy | None = None,
    business_hours: BusinessHours | None = None,
    escalation_team: Team | None = None,
) -> TeamSetup:
    _require(by, Capability.MANAGE_CASE_RULES, team.organization_id)
    assert_same_organization(team.organization, sla_policy, business_hours, escalation_team)
    if assignment not in AssignmentStrategy.values:
        raise ValidationFailed(_("Unknown assignment strategy."), fields={"assignment": "invalid"})
    setup, _created = TeamSetup.objects.update_or_create(
        team=team,
        defaults={
            "organization_id": team.organization_id,
            "assignment": assignment,
            "sla_policy": sla_policy,
            "business_hours": business_hours,
            "escalation_team": escalation_team if escalation_team != team else None,
        },
    )
    return setup
