"""Feedback reads: scoped, filtered, newest first, customers loaded in the same query."""

from __future__ import annotations

import datetime as dt

import pytest

from clearloop.accounts.models import Organization
from clearloop.conftest import Persona
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback.models import FeedbackSource
from clearloop.feedback.selectors import feedback_list
from clearloop.feedback.tests.factories import NOW, FeedbackItemFactory

pytestmark = pytest.mark.django_db


def test_feedback_is_newest_first_with_customers_in_one_query(
    acme: Organization, django_assert_num_queries
) -> None:
    for days in (3, 1, 2):
        FeedbackItemFactory(
            organization=acme,
            occurred_at=NOW - dt.timedelta(days=days),
            customer=CustomerFactory(organization=acme, name=f"C{days}"),
        )

    with django_assert_num_queries(1):
        names = [item.customer.name for item in feedback_list(organization=acme)]

    assert names == ["C1", "C2", "C3"]


def test_filters_by_source_and_language(acme: Organization) -> None:
    wanted = FeedbackItemFactory(organization=acme, source=FeedbackSource.SOCIAL, language="ja")
    FeedbackItemFactory(organization=acme, source=FeedbackSource.SOCIAL, language="en")
    FeedbackItemFactory(organization=acme, source=FeedbackSource.REVIEW, language="ja")

    assert list(feedback_list(organization=acme, source="social", language="ja")) == [wanted]
    assert feedback_list(organization=acme, language="ja").count() == 2
    assert feedback_list(organization=acme).count() == 3


def test_charlie_never_sees_acme_feedback(alice: Persona, charlie: Persona) -> None:
    FeedbackItemFactory(organization=alice.organization, source=FeedbackSource.REVIEW)
    own = FeedbackItemFactory(organization=charlie.organization, source=FeedbackSource.EMAIL)

    assert list(feedback_list(organization=charlie.organization)) == [own]
    assert list(feedback_list(organization=charlie.organization, source="review")) == []
