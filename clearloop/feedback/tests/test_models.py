"""Database constraints on feedback items, with their messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clearloop.accounts.models import Organization
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.feedback.tests.factories import NOW, FeedbackItemFactory
from clearloop.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def test_duplicate_external_id_from_one_source_is_refused(acme: Organization) -> None:
    FeedbackItemFactory(organization=acme, source=FeedbackSource.REVIEW, external_id="r-1")
    duplicate = FeedbackItem(
        organization=acme,
        source=FeedbackSource.REVIEW,
        external_id="r-1",
        text="Again",
        occurred_at=NOW,
    )

    with pytest.raises(ValidationError) as error:
        duplicate.validate_constraints()
    assert _messages(error.value) == [
        "A feedback item from this source with this external id already exists."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_external_ids_repeat_across_sources_organizations_and_when_blank(
    acme: Organization, globex: Organization
) -> None:
    FeedbackItemFactory(organization=acme, source=FeedbackSource.REVIEW, external_id="1")
    FeedbackItemFactory(organization=acme, source=FeedbackSource.SOCIAL, external_id="1")
    FeedbackItemFactory(organization=globex, source=FeedbackSource.REVIEW, external_id="1")
    FeedbackItemFactory(organization=acme, external_id="")
    FeedbackItemFactory(organization=acme, external_id="")

    assert FeedbackItem.objects.count() == 5


@pytest.mark.parametrize("rating", [0, 6])
def test_rating_is_one_to_five_stars(acme: Organization, rating: int) -> None:
    item = FeedbackItemFactory.build(organization=acme, rating=rating)

    with pytest.raises(ValidationError) as error:
        item.validate_constraints()
    assert _messages(error.value) == ["A rating must be between 1 and 5 stars."]


def test_only_a_survey_comment_links_to_a_response(acme: Organization) -> None:
    response = ResponseFactory(organization=acme)
    review = FeedbackItemFactory.build(
        organization=acme, source=FeedbackSource.REVIEW, response=response
    )

    with pytest.raises(ValidationError) as error:
        review.validate_constraints()
    assert _messages(error.value) == ["Only a survey comment can be linked to a response."]
    comment = FeedbackItemFactory(
        organization=acme,
        source=FeedbackSource.SURVEY_COMMENT,
        response=response,
        external_id="",
        rating=None,
    )
    assert response.feedback_item == comment
