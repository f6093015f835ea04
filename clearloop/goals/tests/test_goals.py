"""Setting goals (the SMART check), their progress and forecast, plans and tasks, the
pages and the API, overdue reminders, and tenancy (charlie gets 404 everywhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from clearloop.conftest import Persona
from clearloop.core.errors import PermissionDenied, ValidationFailed
from clearloop.goals import selectors, services
from clearloop.goals.forecast import Outlook
from clearloop.goals.measure import Scope, ScopeKind
from clearloop.goals.models import ActionPlan, ActionTask, Goal, TaskStatus


def _create(alice: Persona, today: dt.date, **overrides: Any) -> Goal:
    values: dict[str, Any] = {
        "organization": alice.organization,
        "by": alice.membership,
        "name": "NPS to 40",
        "metric": "nps",
        "scope": Scope(),
        "baseline_start": today - dt.timedelta(days=60),
        "baseline_end": today - dt.timedelta(days=31),
        "target": 40.0,
        "deadline": today + dt.timedelta(days=60),
        "owner": alice.user,
    }
    values.update(overrides)
    return services.goal_create(**values)


def test_goal_baseline_is_measured_over_the_chosen_period(
    alice: Persona, rising_nps: dt.date
) -> None:
    goal = _create(alice, rising_nps)
    assert goal.baseline_n == 30 * 40
    assert 15 < goal.baseline_value < 30
    assert goal.baseline_low is not None and goal.baseline_high is not None
    assert goal.baseline_low < goal.baseline_value < goal.baseline_high


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"metric": "mood"}, "metric"),
        ({"scope": Scope(ScopeKind.TEAM, "999")}, "scope"),
        (
            {"baseline_start": dt.date(2020, 1, 1), "baseline_end": dt.date(2020, 1, 31)},
            "baseline_start",
        ),
        ({"target": 22.0}, "target"),  # inside the baseline's uncertainty
        ({"target": 10.0}, "target"),  # worse than the baseline
        ({"target": 99.0}, "target"),  # implausible
        ({"deadline": dt.date(2025, 6, 1)}, "deadline"),
        ({"owner": None}, "owner"),
    ],
)
def test_smart_check_refuses_with_a_message_on_the_field(
    alice: Persona, rising_nps: dt.date, overrides: dict[str, Any], field: str
) -> None:
    if overrides.get("target") == 22.0:
        baseline = _create(alice, rising_nps).baseline_value
        Goal.objects.all().delete()
        overrides = {"target": baseline + 1}
    with pytest.raises(ValidationFailed) as caught:
        _create(alice, rising_nps, **overrides)
    assert field in caught.value.fields
    assert caught.value.message


def test_owner_must_be_a_member(alice: Persona, charlie: Persona, rising_nps: dt.date) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _create(alice, rising_nps, owner=charlie.user)
    assert "owner" in caught.value.fields


def test_agent_may_not_set_goals(bob: Persona, rising_nps: dt.date) -> None:
    with pytest.raises(PermissionDenied):
        _create(bob, rising_nps, by=bob.membership, owner=bob.user)


def test_progress_and_forecast_of_a_rising_figure(alice: Persona, rising_nps: dt.date) -> None:
    goal = _create(alice, rising_nps, target=33.0)
    progress = selectors.goal_progress(goal=goal)
    assert progress.current.n == 27 * 40  # the last 28 days; today has no answers yet
    assert progress.current.value is not None
    assert progress.current.value > goal.baseline_value
    assert progress.share_done is not None and progress.share_done > 0
    assert progress.forecast is not None and progress.forecast.slope_per_day > 0
    assert progress.outlook is Outlook.ON_TRACK
    far = _create(alice, rising_nps, target=70.0 - 20, deadline=rising_nps + dt.timedelta(days=7))
    assert selectors.goal_progress(goal=far).outlook is Outlook.OFF_TRACK
    assert len(progress.history) == 60


def test_plan_impact_before_after_and_against_a_comparison(
    alice: Persona, rising_nps: dt.date
) -> None:
    goal = _create(alice, rising_nps)
    plan = services.action_plan_create(
        goal=goal,
        by=alice.membership,
        title="Call back detractors",
        started_on=rising_nps - dt.timedelta(days=28),
        comparison=Scope(ScopeKind.REGION, "Asia"),
    )
    found = selectors.plan_impact(plan=plan, comparison_label="Asia")
    assert found is not None and found.change is not None
    assert found.change.difference > 0
    assert found.difference_in_differences is None  # nobody in Asia answered
    assert "interval" in found.explanation


def test_overdue_tasks_are_flagged_and_notified_once(
    alice: Persona, bob: Persona, rising_nps: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    goal = _create(alice, rising_nps)
    plan = services.action_plan_create(goal=goal, by=alice.membership, title="Coach agents")
    late = services.action_task_create(
        plan=plan,
        by=alice.membership,
        title="Run coaching",
        owner=bob.user,
        due_on=rising_nps - dt.timedelta(days=2),
    )
    services.action_task_create(
        plan=plan,
        by=alice.membership,
        title="Later",
        owner=bob.user,
        due_on=rising_nps + dt.timedelta(days=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.overdue_tasks_notify(today=rising_nps) == 1
        assert services.overdue_tasks_notify(today=rising_nps) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [bob.user.email]
    assert "Run coaching" in mail.outbox[0].subject
    late.refresh_from_db()
    assert late.overdue_notified_on == rising_nps


def test_task_owner_may_update_status_and_comment(
    alice: Persona, bob: Persona, rising_nps: dt.date
) -> None:
    goal = _create(alice, rising_nps)
    plan = services.action_plan_create(goal=goal, by=alice.membership, title="Coach agents")
    task = services.action_task_create(
        plan=plan, by=alice.membership, title="Run coaching", owner=bob.user, due_on=rising_nps
    )
    services.action_task_set_status(task=task, by=bob.membership, status=TaskStatus.DONE)
    services.task_comment_add(task=task, by=bob.membership, body="Done on Monday")
    assert task.comments.get().author == bob.user
    with pytest.raises(ValidationFailed):
        services.action_task_set_status(task=task, by=bob.membership, status="sleeping")


# --- Pages -------------------------------------------------------------------------------


def test_create_goal_plan_task_and_comment_through_the_pages(
    alice: Persona, goal_data: dict[str, Any]
) -> None:
    client = alice.client()
    response = client.post(reverse("web:goal_new"), {**goal_data, "owner": alice.user.pk})
    goal = Goal.objects.get()
    assert response.status_code == 302
    detail = reverse("web:goal_detail", args=[goal.pk])
    client.post(
        reverse("web:goal_plan_new", args=[goal.pk]),
        {"title": "Call back", "started_on": "2025-05-05"},
    )
    plan = ActionPlan.objects.get()
    client.post(
        reverse("web:goal_task_new", args=[plan.pk]),
        {"title": "Script", "owner": alice.user.pk, "due_on": "2025-06-01"},
    )
    task = ActionTask.objects.get()
    client.post(reverse("web:goal_task_comment", args=[task.pk]), {"body": "Draft ready"})
    page = client.get(detail).content.decode()
    assert "Call back" in page and "Script" in page and "Draft ready" in page and "Overdue" in page
    board = client.get(reverse("web:goals")).content.decode()
    assert "NPS to 40" in board and "goal-outlook" in board


def test_goal_form_shows_the_smart_message(alice: Persona, goal_data: dict[str, Any]) -> None:
    response = alice.client().post(
        reverse("web:goal_new"), {**goal_data, "target": "5", "owner": alice.user.pk}
    )
    assert response.status_code == 400
    assert "better than the baseline" in response.content.decode()
    bad = alice.client().post(reverse("web:goal_new"), {**goal_data, "target": "lots"})
    assert bad.status_code == 400


def test_agent_sees_the_board_but_cannot_set_goals(bob: Persona, rising_nps: dt.date) -> None:
    client = bob.client()
    assert client.get(reverse("web:goals")).status_code == 200
    assert client.get(reverse("web:goal_new")).status_code == 403


def test_charlie_gets_404_on_acme_goal_pages_and_api(
    alice: Persona, charlie: Persona, rising_nps: dt.date
) -> None:
    goal = _create(alice, rising_nps)
    plan = services.action_plan_create(goal=goal, by=alice.membership, title="Coach")
    task = services.action_task_create(
        plan=plan, by=alice.membership, title="T", owner=alice.user, due_on=rising_nps
    )
    client = charlie.client()
    assert client.get(reverse("web:goal_detail", args=[goal.pk])).status_code == 404
    assert (
        client.post(reverse("web:goal_plan_new", args=[goal.pk]), {"title": "x"}).status_code == 404
    )
    assert (
        client.post(reverse("web:goal_task_new", args=[plan.pk]), {"title": "x"}).status_code == 404
    )
    assert (
        client.post(reverse("web:goal_task_status", args=[task.pk]), {"status": "done"}).status_code
        == 404
    )
    assert (
        client.post(reverse("web:goal_task_comment", args=[task.pk]), {"body": "x"}).status_code
        == 404
    )
    assert "NPS to 40" not in client.get(reverse("web:goals")).content.decode()
    api = {"HTTP_AUTHORIZATION": f"Bearer {charlie.api_token()}"}
    assert client.get(f"/api/v1/goals/{goal.pk}/", **api).status_code == 404
    assert client.get("/api/v1/goals/", **api).json()["results"] == []


def test_api_lists_reads_and_creates_goals(alice: Persona, goal_data: dict[str, Any]) -> None:
    client = alice.client()
    api = {"HTTP_AUTHORIZATION": f"Bearer {alice.api_token()}"}
    body = {**goal_data, "scope_kind": "organization", "owner": alice.user.pk}
    created = client.post("/api/v1/goals/", body, content_type="application/json", **api)
    assert created.status_code == 201, created.content
    goal_id = created.json()["id"]
    detail = client.get(f"/api/v1/goals/{goal_id}/", **api).json()
    assert detail["progress"]["outlook"] in {"on_track", "at_risk", "off_track"}
    assert detail["progress"]["current"]["n"] > 0
    refused = client.post(
        "/api/v1/goals/", {**body, "target": 5}, content_type="application/json", **api
    )
    assert refused.status_code == 400
    assert "target" in refused.json()["errors"]
    garbage = client.post("/api/v1/goals/", {"name": 1}, content_type="application/json", **api)
    assert garbage.status_code == 400
