"""Factory for feedback items."""

from __future__ import annotations

import datetime as dt

import factory

from clearloop.customers.tests.factories import OrganizationScopedFactory
from clearloop.feedback.models import FeedbackItem, FeedbackSource

NOW = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)


class FeedbackItemFactory(OrganizationScopedFactory[FeedbackItem]):
    class Meta:
        model = FeedbackItem

    source = FeedbackSource.REVIEW
    language = "en"
    text = "The sofa is lovely but delivery took three weeks."
    rating = 3
    occurred_at = NOW
    external_id = factory.Sequence(lambda n: f"review-{n}")
    metadata = factory.LazyFunction(lambda: {"site": "lumenhome.example"})
