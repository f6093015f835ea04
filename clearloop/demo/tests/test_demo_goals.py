"""The demo's goals, alerts and dashboards: a goal on track and one at risk, an action plan with
tasks, and past alerts from rules evaluated over the last weeks."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from clearloop.alerts.models import Alert, AlertStatus
from clearloop.boards.models import Dashboard
from clearloop.boards.selectors import dashboard_panels
from clearloop.demo.services import demo_organization
from clearloop.goals.forecast import Outlook
from clearloop.goals.models import ActionTask, Goal
from clearloop.goals.selectors import goal_progress

TODAY = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_demo_has_goals_on_track_and_at_risk_a_plan_and_past_alerts() -> None:
    with time_machine.travel(TODAY, tick=True):
        call_command("seed_demo", stdout=StringIO())
        organization = demo_organization()
        assert organization is not None
        goals = Goal.objects.for_organization(organization)
        outlooks = {goal_progress(goal=goal).outlook for goal in goals}
        boards = [
            dashboard_panels(dashboard=dashboard, language="en")
            for dashboard in Dashboard.objects.for_organization(organization)
        ]
    assert {Outlook.ON_TRACK, Outlook.AT_RISK} <= outlooks
    assert ActionTask.objects.for_organization(organization).count() == 3
    alerts = Alert.objects.for_organization(organization)
    assert alerts.filter(status=AlertStatus.RESOLVED).exists()
    assert all(alert.reason for alert in alerts)
    # Three demo dashboards (shared, team, private), every tile with figures.
    assert len(boards) == 3
    assert all(panel.data and not panel.error for board in boards for panel in board.panels)
