"""The 360° timeline: every kind of history, newest first, pages that neither overlap
nor skip, a survey comment shown once (inside its response), and a fixed number of
queries however long the history."""

from __future__ import annotations

import datetime as dt

import pytest

from clearloop.cases.models import Case
from clearloop.customers.tests.factories import OrderFactory
from clearloop.customers.tests.history import T0, full_history, nps_survey
from clearloop.customers.timeline import TIMELINE_SOURCES, customer_timeline

pytestmark = pytest.mark.django_db


def test_timeline_merges_every_kind_newest_first(alice):
    customer = full_history(alice.organization)

    page = customer_timeline(customer=customer)

    assert [entry.kind for entry in page.entries] == [
        "invitation",  # T0 + 5 days
        "feedback",  # + 4 (the review; the survey comment is inside the response)
        "response",  # + 3
        "order",  # + 2
        "interaction",  # + 1
        "order",  # T0
    ]
    assert page.next_offset is None
    moments = [entry.at for entry in page.entries]
    assert moments == sorted(moments, reverse=True)


def test_timeline_pages_neither_overlap_nor_skip(alice):
    customer = full_history(alice.organization)
    for day in range(30):
        OrderFactory(customer=customer, ordered_at=T0 - dt.timedelta(days=day, hours=1))
    seen: list[tuple[str, int]] = []
    offset: int | None = 0
    while offset is not None:
        page = customer_timeline(customer=customer, offset=offset, limit=7)
        seen.extend((entry.kind, entry.item.pk) for entry in page.entries)
        offset = page.next_offset
    assert len(seen) == len(set(seen)) == 36


def test_timeline_takes_a_fixed_number_of_queries(alice, django_assert_num_queries):
    survey = nps_survey(alice.organization)
    small = full_history(alice.organization, survey, email="a@example.org", external_id="A")
    big = full_history(alice.organization, survey, email="b@example.org", external_id="B")
    for day in range(40):
        OrderFactory(customer=big, ordered_at=T0 - dt.timedelta(days=day))
    for customer in (small, big):  # every kind present, cases included
        Case.objects.create(organization=alice.organization, customer=customer, subject="Late")
    limit = 1 + len(TIMELINE_SOURCES)
    with django_assert_num_queries(limit):
        customer_timeline(customer=small)
    with django_assert_num_queries(limit):
        entries = customer_timeline(customer=big, limit=50).entries
        # Rendering reads what the loaders selected, not more rows.
        for entry in entries:
            str(entry.item)


def test_timeline_can_be_narrowed_to_kinds(alice):
    customer = full_history(alice.organization)
    page = customer_timeline(customer=customer, kinds=["order"])
    assert [entry.kind for entry in page.entries] == ["order", "order"]
