"""Demo goals, an action plan with tasks, and alert rules with their past alerts, written
after the rest of the demo so that every figure is measured from the demo's own answers.

Targets are picked from each goal's own forecast (better than the baseline, within the
metric's range), so the board shows a goal on track and one at risk whatever the seed.
The alert rules are evaluated as if they had run weekly for twelve weeks, so the alert
list has a history: incidents that started and ended, each with the reason it fired.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from clearloop.accounts.models import Membership, Organization
from clearloop.accounts.roles import Role
from clearloop.alerts.models import AlertRule, ChannelKind, Comparison, RuleKind
from clearloop.alerts.services import rule_evaluate
from clearloop.goals import measure
from clearloop.goals.forecast import Outlook
from clearloop.goals.measure import Metric, Scope, ScopeKind
from clearloop.goals.models import ActionPlan, ActionTask, Goal, TaskComment, TaskStatus
from clearloop.goals.selectors import goal_progress

# (name, metric, scope) tried in order for each outlook; targets come from each figure's
# own forecast, so whatever the seed the board gets one goal of each kind it can honestly.
CANDIDATES = [
    ("Cut phone wait time", Metric.WAIT_TIME, Scope(ScopeKind.CHANNEL, "phone")),
    ("First contact resolution up", Metric.FCR, Scope()),
    ("CSAT up", Metric.CSAT, Scope()),
    ("NPS up", Metric.NPS, Scope()),
    ("Easier to deal with (CES)", Metric.CES, Scope()),
    ("Chat CSAT up", Metric.CSAT, Scope(ScopeKind.CHANNEL, "chat")),
]
# z of the normal distribution: the forecast reaches a target this far below it with
# probability 0.9 (on track) or 0.5 (at risk).
Z_FOR = {Outlook.ON_TRACK: 1.2816, Outlook.AT_RISK: 0.0}


def _goal(organization: Organization, owner_id: int, name: str, metric: str, scope: Scope,
          today: dt.date, wanted: Outlook) -> Goal | None:  # fmt: skip
    """A goal on `metric` whose target the trend reaches with the wanted outlook, or None
    when the figure's trend cannot honestly give that outlook."""
    start, end = today - dt.timedelta(days=120), today - dt.timedelta(days=61)
    baseline = measure.measure(
        organization=organization, metric=metric, scope=scope, start=start, end=end
    )
    if baseline.value is None or baseline.n < 30:
        return None
    goal = Goal(
        organization=organization, name=name, metric=metric, scope_kind=scope.kind,
        scope_value=scope.value, baseline_start=start, baseline_end=end,
        baseline_value=baseline.value, baseline_low=baseline.low, baseline_high=baseline.high,
        baseline_n=baseline.n, target=baseline.value, deadline=today + dt.timedelta(days=90),
        owner_id=owner_id,
    )  # fmt: skip
    expected = goal_progress(goal=goal, today=today).forecast
    if expected is None:
        return None
    lower = metric in measure.LOWER_IS_BETTER
    shift = Z_FOR[wanted] * expected.standard_error
    goal.target = round(expected.value + shift if lower else expected.value - shift, 1)
    _low, high = measure.BOUNDS[Metric(metric)]
    better = goal.target < baseline.value if lower else goal.target > baseline.value
    if not better or goal.target > high or goal_progress(goal=goal, today=today).outlook != wanted:
        return None
    goal.save()
    return goal


def _goals(organization: Organization, owner_id: int, today: dt.date) -> list[Goal]:
    made: list[Goal] = []
    used: set[int] = set()
    for wanted in (Outlook.ON_TRACK, Outlook.AT_RISK):
        for index, (name, metric, scope) in enumerate(CANDIDATES):
            if index in used:
                continue
            goal = _goal(organization, owner_id, name, metric, scope, today, wanted)
            if goal is not None:
                made.append(goal)
                used.add(index)
                break
    return made


def seed_goals(*, organization: Organization) -> None:
    """Goals on track and at risk, a plan with tasks, alert rules and past alerts."""
    today = measure.today(organization)
    members = Membership.objects.filter(organization=organization)
    manager = members.filter(role=Role.MANAGER).first() or members.first()
    if manager is None:
        return
    agents = list(members.filter(Q(role=Role.AGENT)).values_list("user_id", flat=True)[:2])
    goals = _goals(organization, manager.user_id, today)
    on_track = goals[0] if goals else None
    if on_track is not None:
        plan = ActionPlan.objects.create(
            organization=organization, goal=on_track, title="Staff the queues at peak hours",
            description="Two more agents from 10 to 14; callbacks offered after 2 minutes.",
            started_on=today - dt.timedelta(days=21),
            comparison_kind=ScopeKind.CHANNEL, comparison_value="email",
        )  # fmt: skip
        owners = agents or [manager.user_id]
        tasks = [
            ("Agree the peak-hour rota", -10, TaskStatus.DONE),
            ("Switch on callback offers in the phone system", -2, TaskStatus.IN_PROGRESS),
            ("Review wait times with the team leads", 14, TaskStatus.TODO),
        ]
        for index, (title, due, status) in enumerate(tasks):
            task = ActionTask.objects.create(
                organization=organization, plan=plan, title=title, status=status,
                owner_id=owners[index % len(owners)], due_on=today + dt.timedelta(days=due),
            )  # fmt: skip
            if status == TaskStatus.DONE:
                TaskComment.objects.create(
                    organization=organization, task=task, author_id=manager.user_id,
                    body="Rota agreed with the team leads; starts Monday.",
                )  # fmt: skip
    # The rules as if they had run all along: evaluated once a week over the last twelve.
    anomaly = AlertRule.objects.create(
        organization=organization, name="NPS drop or spike", kind=RuleKind.ANOMALY,
        metric=Metric.NPS, channels=[ChannelKind.IN_APP],
    )  # fmt: skip
    usual = measure.measure(organization=organization, metric=Metric.CSAT, scope=Scope(),
                            start=today - dt.timedelta(days=90), end=today)  # fmt: skip
    threshold = AlertRule.objects.create(
        organization=organization, name="CSAT below 80% over 7 days", kind=RuleKind.THRESHOLD,
        metric=Metric.CSAT, comparison=Comparison.BELOW, minimum_n=30,
        threshold=round(usual.value or 80), channels=[ChannelKind.IN_APP],
    )  # fmt: skip
    for days_ago in range(84, -1, -7):
        for rule in (anomaly, threshold):
            rule_evaluate(rule_id=rule.pk, today=today - dt.timedelta(days=days_ago))
