"""Reads of goals: the board (each goal with its progress and outlook), a goal's
history, and the measured impact of its action plans. All counting goes through
`clearloop.goals.measure`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from clearloop.accounts.models import Organization
from clearloop.analytics.metrics import Estimate
from clearloop.goals import forecast as trend
from clearloop.goals import impact, measure
from clearloop.goals.measure import LOWER_IS_BETTER, Scope
from clearloop.goals.models import ActionPlan, ActionTask, Goal, GoalStatus, TaskStatus

# The current figure is measured over this many latest days, the trend over the last
# TREND_DAYS (and never before the baseline period).
CURRENT_DAYS = 28
TREND_DAYS = 90
IMPACT_WINDOW_DAYS = 28


@dataclass(frozen=True)
class Progress:
    current: Estimate
    share_done: float | None  # 0 at the baseline, 1 at the target (may leave 0…1)
    forecast: trend.Forecast | None
    probability: float | None
    outlook: trend.Outlook
    history: list[measure.DailyMeasure]


def goals_list(*, organization: Organization) -> QuerySet[Goal]:
    return (
        Goal.objects.for_organization(organization)
        .exclude(status=GoalStatus.ARCHIVED)
        .select_related("owner")
        .annotate(
            plan_count=Count("plans", distinct=True),
            open_tasks=Count("plans__tasks", filter=~Q(plans__tasks__status=TaskStatus.DONE)),
        )
    )


def goal_progress(*, goal: Goal, today: dt.date | None = None) -> Progress:
    """Where the goal's figure stands now (last 28 days), how far it has come from the
    baseline, and where its trend will put it at the deadline. Two queries."""
    organization = goal.organization
    today = today or measure.today(organization)
    current = measure.measure(
        organization=organization,
        metric=goal.metric,
        scope=goal.scope,
        start=today - dt.timedelta(days=CURRENT_DAYS - 1),
        end=today,
    )
    start = max(goal.baseline_start, today - dt.timedelta(days=TREND_DAYS - 1))
    history = measure.daily_series(
        organization=organization, metric=goal.metric, scope=goal.scope, start=start, end=today
    )
    points = [
        trend.Point(float((day.day - today).days), day.estimate.value, float(day.estimate.n))
        for day in history
        if day.estimate.value is not None
    ]
    expected = trend.forecast_at(points, float((goal.deadline - today).days))
    probability = (
        trend.probability_of_reaching(
            expected, target=goal.target, lower_is_better=goal.metric in LOWER_IS_BETTER
        )
        if expected is not None
        else None
    )
    return Progress(
        current=current,
        share_done=_share_done(goal, current),
        forecast=expected,
        probability=probability,
        outlook=trend.outlook(probability),
        history=history,
    )


def _share_done(goal: Goal, current: Estimate) -> float | None:
    if current.value is None or goal.target == goal.baseline_value:
        return None
    return (current.value - goal.baseline_value) / (goal.target - goal.baseline_value)


def goal_plans(*, goal: Goal) -> QuerySet[ActionPlan]:
    """The goal's plans with their tasks, owners and comments (three queries)."""
    tasks = ActionTask.objects.select_related("owner").prefetch_related("comments__author")
    return (
        ActionPlan.objects.for_organization(goal.organization_id)
        .filter(goal=goal)
        .prefetch_related(Prefetch("tasks", queryset=tasks))
    )


@dataclass(frozen=True)
class Impact:
    before: Estimate
    after: Estimate
    change: impact.Change | None
    difference_in_differences: impact.Change | None
    explanation: str
    before_start: dt.date
    after_end: dt.date


def plan_impact(
    *, plan: ActionPlan, comparison_label: str = "", today: dt.date | None = None
) -> Impact | None:
    """Before vs after the plan's start (28 days each side, the after window cut at today),
    and the difference-in-differences against its comparison scope when it names one."""
    if plan.started_on is None:
        return None
    goal, organization = plan.goal, plan.organization
    today = today or measure.today(organization)
    if plan.started_on > today:
        return None
    window = dt.timedelta(days=IMPACT_WINDOW_DAYS)
    before_start, before_end = plan.started_on - window, plan.started_on - dt.timedelta(days=1)
    after_end = min(today, plan.started_on + window - dt.timedelta(days=1))

    def figure(scope: Scope, start: dt.date, end: dt.date) -> Estimate:
        return measure.measure(
            organization=organization, metric=goal.metric, scope=scope, start=start, end=end
        )

    before = figure(goal.scope, before_start, before_end)
    after = figure(goal.scope, plan.started_on, after_end)
    change = impact.before_after(before, after)
    did = None
    comparison = plan.comparison
    if comparison is not None:
        did = impact.difference_in_differences(
            before,
            after,
            figure(comparison, before_start, before_end),
            figure(comparison, plan.started_on, after_end),
        )
    lower = goal.metric in LOWER_IS_BETTER
    explanation = impact.explain(change, lower_is_better=lower)
    if did is not None:
        explanation += " " + impact.explain(did, lower_is_better=lower, against=comparison_label)
    return Impact(before, after, change, did, explanation, before_start, after_end)
