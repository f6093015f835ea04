"""The goal pages, under /goals/ in the `web` namespace: the board, a new goal, a goal
with its history, action plans, tasks and comments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ValidationFailed
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.goals import measure, selectors, services
from clearloop.goals.forms import (
    CommentForm,
    GoalForm,
    PlanForm,
    TaskForm,
    TaskStatusForm,
    add_service_errors,
    parse_scope,
    scope_choices,
)
from clearloop.goals.measure import STYLE, Metric
from clearloop.goals.models import ActionPlan, ActionTask, Goal


def _scope_labels(request: OrganizationRequest) -> dict[str, str]:
    return {value: str(label) for value, label in scope_choices(request.organization)}


def _scope_label(labels: dict[str, str], kind: str, value: str) -> str:
    return labels.get(f"{kind}:{value}", f"{kind}: {value}")


@member_required(Capability.VIEW_DASHBOARDS)
def board(request: OrganizationRequest) -> HttpResponse:
    labels = _scope_labels(request)
    rows = [
        {
            "goal": goal,
            "progress": selectors.goal_progress(goal=goal),
            "scope": _scope_label(labels, goal.scope_kind, goal.scope_value),
            "style": STYLE[Metric(goal.metric)],
        }
        for goal in selectors.goals_list(organization=request.organization)
    ]
    context = {"rows": rows, "can_manage": request.membership.allows(Capability.MANAGE_GOALS)}
    return render(request, "goals/board.html", context)


@member_required(Capability.MANAGE_GOALS)
@require_http_methods(["GET", "POST"])
def goal_new(request: OrganizationRequest) -> HttpResponse:
    form = GoalForm(
        request.POST or None,
        organization=request.organization,
        initial={"owner": request.user.pk, "scope": "organization:"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            goal = services.goal_create(
                organization=request.organization,
                by=request.membership,
                name=data["name"],
                metric=data["metric"],
                scope=parse_scope(data["scope"]),
                baseline_start=data["baseline_start"],
                baseline_end=data["baseline_end"],
                target=data["target"],
                deadline=data["deadline"],
                owner=data["owner"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal set."))
            return redirect("web:goal_detail", pk=goal.pk)
    status = 400 if form.errors else 200
    return render(request, "goals/new.html", {"form": form}, status=status)


def _detail_context(request: OrganizationRequest, goal: Goal, **forms: Any) -> dict[str, Any]:
    labels = _scope_labels(request)
    plans = list(selectors.goal_plans(goal=goal))
    progress = selectors.goal_progress(goal=goal)
    impacts = {
        plan.pk: selectors.plan_impact(
            plan=plan,
            comparison_label=_scope_label(labels, plan.comparison_kind, plan.comparison_value),
        )
        for plan in plans
    }
    organization = request.organization
    return {
        "goal": goal,
        "progress": progress,
        "scope": _scope_label(labels, goal.scope_kind, goal.scope_value),
        "style": STYLE[Metric(goal.metric)],
        "plans": [(plan, impacts[plan.pk]) for plan in plans],
        "history": [
            [day.day.isoformat(), round(day.estimate.value, 2), day.estimate.n]
            for day in progress.history
            if day.estimate.value is not None
        ],
        "chart": {"target": goal.target, "baseline": goal.baseline_value},
        "plan_form": forms.get("plan_form") or PlanForm(organization=organization),
        "task_form": forms.get("task_form")
        or TaskForm(organization=organization, initial={"owner": request.user.pk}),
        "comment_form": CommentForm(),
        "statuses": TaskStatusForm.base_fields["status"].choices,  # type: ignore[attr-defined]
        "can_manage": request.membership.allows(Capability.MANAGE_GOALS),
        "user_id": request.user.pk,
        "today": measure.today(organization),
    }


@member_required(Capability.VIEW_DASHBOARDS)
def goal_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    goal = get_for_organization_or_404(Goal, organization=request.organization, pk=pk)
    return render(request, "goals/detail.html", _detail_context(request, goal))


@member_required(Capability.MANAGE_GOALS)
@require_POST
def plan_new(request: OrganizationRequest, pk: int) -> HttpResponse:
    goal = get_for_organization_or_404(Goal, organization=request.organization, pk=pk)
    form = PlanForm(request.POST, organization=request.organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_plan_create(
                goal=goal,
                by=request.membership,
                title=data["title"],
                description=data["description"],
                started_on=data["started_on"],
                comparison=parse_scope(data["comparison"]) if data["comparison"] else None,
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Action plan added."))
            return redirect("web:goal_detail", pk=goal.pk)
    context = _detail_context(request, goal, plan_form=form)
    return render(request, "goals/detail.html", context, status=400)


@member_required(Capability.MANAGE_GOALS)
@require_POST
def task_new(request: OrganizationRequest, pk: int) -> HttpResponse:
    plan = get_for_organization_or_404(ActionPlan, organization=request.organization, pk=pk)
    form = TaskForm(request.POST, organization=request.organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_task_create(
                plan=plan,
                by=request.membership,
                title=data["title"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return redirect("web:goal_detail", pk=plan.goal_id)
    context = _detail_context(request, plan.goal, task_form=form)
    return render(request, "goals/detail.html", context, status=400)


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def task_status(request: OrganizationRequest, pk: int) -> HttpResponse:
    task = get_for_organization_or_404(ActionTask, organization=request.organization, pk=pk)
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status: to do, in progress or done."))
        return redirect("web:goal_detail", pk=task.plan.goal_id)
    services.action_task_set_status(
        task=task, by=request.membership, status=form.cleaned_data["status"]
    )
    return redirect("web:goal_detail", pk=task.plan.goal_id)


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def task_comment(request: OrganizationRequest, pk: int) -> HttpResponse:
    task = get_for_organization_or_404(ActionTask, organization=request.organization, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.task_comment_add(task=task, by=request.membership, body=form.cleaned_data["body"])
    else:
        messages.error(request, _("Write a comment first."))
    return redirect("web:goal_detail", pk=task.plan.goal_id)
