"""The demo plan, without a database: deterministic, believable, consistent."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from clearloop.demo.generator import generate_plan
from clearloop.demo.plan import DemoPlan
from clearloop.demo.reference import PEOPLE
from clearloop.demo.timeline import Timeline

ANCHOR = dt.date(2025, 6, 1)
HAN = re.compile(r"[\u4e00-\u9fff]")
KANA = re.compile(r"[\u3040-\u30ff]")


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return generate_plan(seed=7, customers=120, responses=600, anchor=ANCHOR)


def test_same_seed_and_anchor_give_the_same_plan(plan: DemoPlan) -> None:
    assert generate_plan(seed=7, customers=120, responses=600, anchor=ANCHOR) == plan


def test_another_seed_gives_another_plan(plan: DemoPlan) -> None:
    other = generate_plan(seed=8, customers=120, responses=600, anchor=ANCHOR)

    assert other.customers != plan.customers
    assert other.responses != plan.responses


def test_sizes_follow_the_arguments(plan: DemoPlan) -> None:
    assert len(plan.customers) == 120
    assert len(plan.responses) == 600
    assert all(1 <= n <= 6 for n in Counter(order.customer for order in plan.orders).values())
    assert len(PEOPLE) == 13 and sum(p.local_part.startswith("agent.") for p in PEOPLE) == 8


def test_everything_happens_in_the_half_year_before_the_anchor(plan: DemoPlan) -> None:
    horizon = Timeline.ending_before(ANCHOR).horizon
    earliest = horizon - dt.timedelta(days=182)
    moments = [
        *(i.started_at for i in plan.interactions),
        *(r.started_at for r in plan.responses),
        *(r.completed_at for r in plan.responses if r.completed_at),
        *(f.occurred_at for f in plan.feedback),
    ]
    assert all(m.tzinfo is not None and earliest <= m < horizon for m in moments)
    assert all(o.ordered_at < horizon for o in plan.orders)


def test_customers_write_in_the_language_of_their_region(plan: DemoPlan) -> None:
    regions = {(c.region, c.language) for c in plan.customers}

    assert regions == {
        ("North America", "en"),
        ("Europe", "en"),
        ("Greater China", "zh-hans"),
        ("Japan", "ja"),
    }
    for response in plan.responses:
        if response.customer is not None:
            assert response.language == plan.customers[response.customer].language


def test_comments_are_written_in_their_language_and_about_half_have_one(plan: DemoPlan) -> None:
    completed = [r for r in plan.responses if r.completed_at]
    commented = [r for r in completed if r.comment]

    assert 0.4 <= len(commented) / len(completed) <= 0.6
    for response in commented:
        if response.language == "en":
            assert not HAN.search(response.comment) and not KANA.search(response.comment)
        elif response.language == "zh-hans":
            assert HAN.search(response.comment) and not KANA.search(response.comment)
        else:
            assert KANA.search(response.comment)


def test_nps_follows_the_attribute_ratings(plan: DemoPlan) -> None:
    """Promoters rate product quality higher than detractors do: a driver to find."""
    by_group: dict[str, list[int]] = {"promoter": [], "detractor": []}
    for response in plan.responses:
        numbers = {(a.question, a.row): a.number for a in response.answers}
        nps, quality = numbers.get(("nps", "")), numbers.get(("attributes", "product_quality"))
        if nps is not None and quality is not None and (nps >= 9 or nps <= 6):
            by_group["promoter" if nps >= 9 else "detractor"].append(quality)

    promoters, detractors = by_group["promoter"], by_group["detractor"]
    assert sum(promoters) / len(promoters) > sum(detractors) / len(detractors) + 0.5
