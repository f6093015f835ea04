"""Factory for feedback items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from clearloop.customers.tests.factories import OrganizationScopedFactory
from clearloop.feedback.models import FeedbackItem, FeedbackSource, Tag, TagColour

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


class TagFactory(OrganizationScopedFactory[Tag]):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag-{n}")
    colour = TagColour.BLUE


def indexed(**fields: Any) -> FeedbackItem:
    """A feedback item stored the way every writer stores one: saved, then reported to
    `feedback_items_added` (which indexes it and runs the rules)."""
    from clearloop.feedback.services import feedback_items_added

    item = FeedbackItemFactory(**fields)
    feedback_items_added(organization_id=item.organization_id, item_ids=[item.pk])
    return item
