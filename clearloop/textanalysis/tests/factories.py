"""Feedback items for the text analysis tests, and a helper that analyses them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.tests.factories import FeedbackItemFactory
from clearloop.textanalysis import services


def analysed(**fields: Any) -> FeedbackItem:
    item = FeedbackItemFactory(**fields)
    services.items_analyze(organization_id=item.organization_id, item_ids=[item.pk])
    return item


def many(organization: Any, texts: list[str], at: dt.datetime, **fields: Any) -> list[FeedbackItem]:
    items = [
        FeedbackItemFactory(organization=organization, text=text, occurred_at=at, **fields)
        for text in texts
    ]
    services.items_analyze(organization_id=organization.pk, item_ids=[i.pk for i in items])
    return items
