"""Writes of goals and action plans: setting a goal (with its SMART check and computed
baseline), plans, tasks, status changes, comments, and the overdue-task reminders.

Every service takes the acting membership, checks `MANAGE_GOALS` (comments and status
changes by a task's owner are allowed too) and that every object handed in belongs to
the same organization.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization, Team, User
from clearloop.accounts.roles import Capability
from clearloop.analytics.metrics import MINIMUM_N
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearloop.customers.models import InteractionChannel, Segment
from clearloop.goals import measure
from clearloop.goals.measure import BOUNDS, LOWER_IS_BETTER, Metric, Scope, ScopeKind
from clearloop.goals.models import ActionPlan, ActionTask, Goal, TaskComment, TaskStatus

# A target further than this share of the metric's range from the baseline is not a plan.
MAX_CHANGE_SHARE = 0.25
MAX_WAIT_REDUCTION = 0.9
MAX_DEADLINE = dt.timedelta(days=3 * 366)


def _require(by: Membership, organization: Organization) -> None:
    if by.organization_id != organization.pk:
        raise NotFound(_("No such organization."))
    if not by.allows(Capability.MANAGE_GOALS):
        raise PermissionDenied(_("Your role does not allow managing goals."))


def _member(organization: Organization, user: User | None, field: str) -> User:
    if user is None or not Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationFailed(
            _("The owner must be a member of this organization."),
            fields={field: [_("Choose a member of this organization.")]},
        )
    return user


# --- SMART -----------------------------------------------------------------------------------


def scope_clean(*, organization: Organization, scope: Scope, field: str = "scope") -> Scope:
    """Specific: the scope names something that exists in this organization."""
    value = scope.value.strip()

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={field: [message]})

    if scope.kind == ScopeKind.ORGANIZATION:
        return Scope(ScopeKind.ORGANIZATION, "")
    if scope.kind == ScopeKind.TEAM:
        if not (
            value.isdigit()
            and Team.objects.for_organization(organization).filter(pk=int(value)).exists()
        ):
            raise refuse(_("Choose one of your teams."))
    elif scope.kind == ScopeKind.SEGMENT:
        if not (
            value.isdigit()
            and Segment.objects.for_organization(organization).filter(pk=int(value)).exists()
        ):
            raise refuse(_("Choose one of your saved segments."))
    elif scope.kind == ScopeKind.CHANNEL:
        if value not in InteractionChannel.values:
            raise refuse(_("Choose a channel: phone, email, chat, social or in person."))
    elif scope.kind == ScopeKind.REGION:
        if not value:
            raise refuse(_("Name the region, for example “Europe”."))
    else:
        raise refuse(
            _(
                "Choose what the goal covers: the organization, a team, a channel, a region "
                "or a segment."
            )
        )
    return Scope(scope.kind, value)


@dataclass(frozen=True)
class Baseline:
    value: float
    low: float | None
    high: float | None
    n: int


def _baseline(
    organization: Organization, metric: str, scope: Scope, start: dt.date, end: dt.date
) -> Baseline:
    """Measurable: enough answers in the baseline period to know where we start."""
    estimate = measure.measure(
        organization=organization, metric=metric, scope=scope, start=start, end=end
    )
    if estimate.value is None or estimate.n < MINIMUM_N:
        message = _(
            "The baseline period has %(n)d answers for this metric and scope; at least "
            "%(minimum)d are needed. Choose a longer period or a wider scope."
        ) % {"n": estimate.n, "minimum": MINIMUM_N}
        raise ValidationFailed(message, fields={"baseline_start": [message]})
    return Baseline(estimate.value, estimate.low, estimate.high, estimate.n)


def _check_target(metric: str, baseline: Baseline, target: float) -> None:
    """Achievable: the target lies in the metric's range, differs from the baseline by more
    than the baseline's own uncertainty (else reaching it could not be told from noise),
    and by no more than a plausible share of the range."""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={"target": [message]})

    low, high = BOUNDS[Metric(metric)]
    if not math.isfinite(target) or not low <= target <= high:
        raise refuse(
            _("The target must lie between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
    lower_better = metric in LOWER_IS_BETTER
    change = baseline.value - target if lower_better else target - baseline.value
    if change <= 0:
        raise refuse(
            _("The target must be better than the baseline (%(baseline).1f).")
            % {"baseline": baseline.value}
        )
    half_width = (
        (baseline.high - baseline.low) / 2
        if baseline.high is not None and baseline.low is not None
        else 0.0
    )
    if change <= half_width:
        raise refuse(
            _(
                "A change of %(change).1f is inside the baseline's own uncertainty (±%(half).1f): "
                "you could not tell it was reached. Set a more ambitious target."
            )
            % {"change": change, "half": half_width}
        )
    too_far = (
        change > MAX_WAIT_REDUCTION * baseline.value
        if lower_better
        else change > MAX_CHANGE_SHARE * (high - low)
    )
    if too_far:
        raise refuse(
            _("This target is further from the baseline than any plan can plausibly move it.")
        )


def _check_dates(
    baseline_start: dt.date, baseline_end: dt.date, deadline: dt.date, today: dt.date
) -> None:
    """Time-bound: a baseline in the past, a deadline in the future (within three years)."""
    if baseline_end < baseline_start:
        message = _("The baseline period must end after it starts.")
        raise ValidationFailed(message, fields={"baseline_end": [message]})
    if baseline_end > today:
        message = _("The baseline period must be in the past.")
        raise ValidationFailed(message, fields={"baseline_end": [message]})
    if deadline <= today:
        message = _("The deadline must be in the future.")
        raise ValidationFailed(message, fields={"deadline": [message]})
    if deadline - today > MAX_DEADLINE:
        message = _("Set a deadline within three years; split longer ambitions into steps.")
        raise ValidationFailed(message, fields={"deadline": [message]})


@transaction.atomic
def goal_create(
    *,
    organization: Organization,
    by: Membership,
    name: str,
    metric: str,
    scope: Scope,
    baseline_start: dt.date,
    baseline_end: dt.date,
    target: float,
    deadline: dt.date,
    owner: User | None,
) -> Goal:
    """Set a goal after checking it is specific, measurable, achievable, relevant and
    time-bound; the baseline is measured over the chosen period."""
    _require(by, organization)
    name = name.strip()
    if not name:
        message = _("Give the goal a name.")
        raise ValidationFailed(message, fields={"name": [message]})
    if metric not in Metric.values:
        message = _("Choose a metric.")
        raise ValidationFailed(message, fields={"metric": [message]})
    scope = scope_clean(organization=organization, scope=scope)
    owner = _member(organization, owner, "owner")
    _check_dates(baseline_start, baseline_end, deadline, measure.today(organization))
    baseline = _baseline(organization, metric, scope, baseline_start, baseline_end)
    _check_target(metric, baseline, target)
    return Goal.objects.create(
        organization=organization,
        name=name,
        metric=metric,
        scope_kind=scope.kind,
        scope_value=scope.value,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        baseline_value=baseline.value,
        baseline_low=baseline.low,
        baseline_high=baseline.high,
        baseline_n=baseline.n,
        target=target,
        deadline=deadline,
        owner=owner,
    )


# --- Plans, tasks, comments ----------------------------------------------------------------


@transaction.atomic
def action_plan_create(
    *,
    goal: Goal,
    by: Membership,
    title: str,
    description: str = "",
    started_on: dt.date | None = None,
    comparison: Scope | None = None,
) -> ActionPlan:
    _require(by, goal.organization)
    title = title.strip()
    if not title:
        message = _("Give the action plan a title.")
        raise ValidationFailed(message, fields={"title": [message]})
    if comparison is not None:
        comparison = scope_clean(
            organization=goal.organization, scope=comparison, field="comparison"
        )
        if comparison == goal.scope:
            message = _(
                "The comparison must be a segment the action did not touch, not the goal's "
                "own scope."
            )
            raise ValidationFailed(message, fields={"comparison": [message]})
    return ActionPlan.objects.create(
        organization=goal.organization,
        goal=goal,
        title=title,
        description=description.strip(),
        started_on=started_on,
        comparison_kind=comparison.kind if comparison else "",
        comparison_value=comparison.value if comparison else "",
    )


@transaction.atomic
def action_task_create(
    *, plan: ActionPlan, by: Membership, title: str, owner: User | None, due_on: dt.date
) -> ActionTask:
    _require(by, plan.organization)
    title = title.strip()
    if not title:
        message = _("Say what the task is.")
        raise ValidationFailed(message, fields={"title": [message]})
    owner = _member(plan.organization, owner, "owner")
    return ActionTask.objects.create(
        organization=plan.organization, plan=plan, title=title, owner=owner, due_on=due_on
    )


def _may_work_on(task: ActionTask, by: Membership) -> None:
    if by.organization_id != task.organization_id:
        raise NotFound(_("No such task."))
    if task.owner_id != by.user_id and not by.allows(Capability.MANAGE_GOALS):
        raise PermissionDenied(_("Only the task's owner or a goal manager may do this."))


@transaction.atomic
def action_task_set_status(*, task: ActionTask, by: Membership, status: str) -> ActionTask:
    _may_work_on(task, by)
    if status not in TaskStatus.values:
        message = _("Choose a status: to do, in progress or done.")
        raise ValidationFailed(message, fields={"status": [message]})
    task.status = status
    task.save(update_fields=["status", "updated_at"])
    return task


@transaction.atomic
def task_comment_add(*, task: ActionTask, by: Membership, body: str) -> TaskComment:
    _may_work_on(task, by)
    body = body.strip()
    if not body:
        message = _("Write a comment first.")
        raise ValidationFailed(message, fields={"body": [message]})
    return TaskComment.objects.create(
        organization=task.organization, task=task, author=by.user, body=body[:5000]
    )


# --- Overdue reminders ---------------------------------------------------------------------


def overdue_tasks_notify(*, today: dt.date | None = None) -> int:
    """Email each owner of a task that is past due and not done, once per task. Safe to run
    twice: a task is claimed (its `overdue_notified_on` set) in the same transaction as the
    reminder is queued for after commit. Returns how many reminders went out."""
    today = today or timezone.localdate()
    sent = 0
    pending = ActionTask.objects.filter(due_on__lt=today, overdue_notified_on__isnull=True).exclude(
        status=TaskStatus.DONE
    )
    for task_id in pending.values_list("pk", flat=True):
        sent += _notify_overdue(task_id, today)
    return sent


@transaction.atomic
def _notify_overdue(task_id: int, today: dt.date) -> int:
    task = (
        ActionTask.objects.select_for_update()
        .select_related("owner", "plan__goal", "organization")
        .filter(pk=task_id, overdue_notified_on__isnull=True)
        .exclude(status=TaskStatus.DONE)
        .first()
    )
    if task is None:
        return 0
    task.overdue_notified_on = today
    task.save(update_fields=["overdue_notified_on"])
    owner = task.owner
    language = owner.language or task.organization.default_language
    link = settings.SITE_URL + reverse("web:goal_detail", args=[task.plan.goal_id])
    with translation.override(language):
        subject = _("Overdue: %(task)s") % {"task": task.title}
        body = render_to_string("goals/email/overdue.txt", {"task": task, "link": link})
    transaction.on_commit(lambda: send_mail(subject, body, None, [owner.email]))
    return 1
