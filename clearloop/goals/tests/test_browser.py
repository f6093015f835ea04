"""Alice in a real browser: she sets a goal on the form, adds an action plan with a task,
and sees the goal on the goal board; the board and the goal page are captured in English,
Chinese and Japanese."""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.goals.tests.data import add_scores, nps_scores

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    screenshot(page, name)
    if os.environ.get("CLEARLOOP_SHOTS"):
        page.screenshot(path=f"{os.environ['CLEARLOOP_SHOTS']}/{name}.png", full_page=True)


def _sign_in(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def test_alice_sets_a_goal_with_an_action_plan_and_sees_it_on_the_board(
    live_server, page, alice
) -> None:
    from playwright.sync_api import expect

    today = dt.datetime.now(dt.UTC).date()
    rng = random.Random(11)
    for offset in range(60, 0, -1):
        progress = (60 - offset) / 60
        day = today - dt.timedelta(days=offset)
        add_scores(
            alice.organization,
            day,
            nps_scores(40, 0.4 + 0.08 * progress, 0.2 - 0.07 * progress, rng),
        )
    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:goals"))
    page.get_by_role("link", name="New goal").click()
    page.get_by_label("Name").fill("NPS from 22 to 40")
    page.get_by_label("Metric").select_option("nps")
    page.get_by_label("Baseline from").fill((today - dt.timedelta(days=60)).isoformat())
    page.get_by_label("Baseline to").fill((today - dt.timedelta(days=31)).isoformat())
    page.get_by_label("Target").fill("40")
    page.get_by_label("Deadline").fill((today + dt.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Set goal").click()
    expect(page.get_by_role("heading", name="NPS from 22 to 40")).to_be_visible()

    plan_form = page.get_by_test_id("plan-form")
    plan_form.get_by_label("Title").fill("Call back every detractor within a day")
    plan_form.get_by_label("Started on").fill((today - dt.timedelta(days=20)).isoformat())
    plan_form.get_by_role("button", name="Add action plan").click()
    expect(page.get_by_test_id("action-plan")).to_contain_text("Call back every detractor")
    expect(page.get_by_test_id("plan-impact")).to_be_visible()

    task_form = page.get_by_test_id("task-form")
    task_form.get_by_label("Task").fill("Write the call-back script")
    task_form.get_by_label("Due on").fill((today + dt.timedelta(days=7)).isoformat())
    task_form.get_by_role("button", name="Add task").click()
    expect(page.get_by_test_id("action-task")).to_contain_text("Write the call-back script")
    _shot(page, "goals-detail-en")

    page.goto(live_server.url + reverse("web:goals"))
    card = page.get_by_test_id("goal-card")
    expect(card).to_contain_text("NPS from 22 to 40")
    expect(card).to_contain_text("1 action plan")
    expect(card).to_contain_text("1 open task")
    expect(card.get_by_test_id("goal-outlook")).to_be_visible()
    _shot(page, "goals-board-en")

    for language in ("zh-hans", "ja"):
        alice.user.language = language
        alice.user.save(update_fields=["language"])
        page.goto(live_server.url + reverse("web:goals"))
        _shot(page, f"goals-board-{language}")
        page.get_by_test_id("goal-card").get_by_role("link").first.click()
        page.wait_for_load_state("networkidle")
        _shot(page, f"goals-detail-{language}")
