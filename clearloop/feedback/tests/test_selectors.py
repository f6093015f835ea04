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


def _texts(organization: Organization, **filters) -> list[str]:
    from clearloop.feedback.selectors import FeedbackFilters

    items = feedback_list(organization=organization, filters=FeedbackFilters(**filters))
    return [item.text for item in items]


def _comment(organization: Organization, text: str, *, channel: str, nps: int | None = None):
    from clearloop.surveys.tests.factories import AnswerFactory, ResponseFactory

    response = ResponseFactory(organization=organization, channel=channel)
    if nps is not None:
        AnswerFactory(organization=organization, response=response, number=nps)
    return FeedbackItemFactory(
        organization=organization,
        source=FeedbackSource.SURVEY_COMMENT,
        response=response,
        text=text,
        rating=None,
        external_id="",
    )


def test_email_channel_means_emails_and_comments_answered_through_email(
    acme: Organization,
) -> None:
    FeedbackItemFactory(organization=acme, source=FeedbackSource.EMAIL, text="an email")
    _comment(acme, "emailed survey", channel="email")
    _comment(acme, "link survey", channel="link")

    assert sorted(_texts(acme, channel="email")) == ["an email", "emailed survey"]
    assert _texts(acme, channel="link") == ["link survey"]
    assert _texts(acme, channel="review") == []


def test_rating_filters_stars_and_the_nps_group_of_survey_comments(acme: Organization) -> None:
    FeedbackItemFactory(organization=acme, rating=2, text="two stars")
    FeedbackItemFactory(organization=acme, rating=5, text="five stars")
    _comment(acme, "promoter", channel="link", nps=10)
    _comment(acme, "detractor", channel="link", nps=3)

    assert _texts(acme, rating="2") == ["two stars"]
    assert _texts(acme, rating="promoter") == ["promoter"]
    assert _texts(acme, rating="detractor") == ["detractor"]
    assert _texts(acme, rating="passive") == []


def test_filters_combine(acme: Organization) -> None:
    from clearloop.feedback.services import feedback_items_added
    from clearloop.feedback.tests.factories import TagFactory

    vip = CustomerFactory(organization=acme, segment="VIP")
    tag = TagFactory(organization=acme)
    day = NOW.date()
    wanted = FeedbackItemFactory(
        organization=acme, language="ja", customer=vip, text="配送が遅い", rating=2
    )
    near_misses = [
        FeedbackItemFactory(organization=acme, language="en", customer=vip, text="配送が遅い"),
        FeedbackItemFactory(organization=acme, language="ja", text="配送が遅い", rating=2),
        FeedbackItemFactory(
            organization=acme,
            language="ja",
            customer=vip,
            text="配送が遅い",
            occurred_at=NOW - dt.timedelta(days=3),
        ),
        FeedbackItemFactory(organization=acme, language="ja", customer=vip, text="丁寧でした"),
    ]
    everything = [wanted, *near_misses]
    feedback_items_added(organization_id=acme.pk, item_ids=[item.pk for item in everything])
    for item in everything:
        item.item_tags.create(organization=acme, tag=tag)

    assert _texts(
        acme,
        q="配送",
        language="ja",
        segment="VIP",
        source="review",
        date_from=day,
        date_to=day,
        tag=tag.pk,
        rating="2",
    ) == ["配送が遅い"]
    assert len(_texts(acme, q="配送", tag=tag.pk)) == 4


def test_has_case_finds_items_followed_up_on_the_item_or_its_response(
    acme: Organization, charlie: Persona
) -> None:
    from clearloop.cases.services import Origin, case_open, case_resolve

    review = FeedbackItemFactory(organization=acme, text="late parcel")
    comment = _comment(acme, "rude agent", channel="link", nps=2)
    settled = FeedbackItemFactory(organization=acme, text="refund came")
    FeedbackItemFactory(organization=acme, text="all good")
    case_open(organization=acme, subject="Late", by=None, origin=Origin(feedback_item=review))
    case_open(organization=acme, subject="Rude", by=None, origin=Origin(response=comment.response))
    done, _new = case_open(
        organization=acme, subject="Refund", by=None, origin=Origin(feedback_item=settled)
    )
    case_resolve(case=done, root_cause="billing", corrective_action="Paid", by=None)
    # Another organization's case on an item id of its own changes nothing here.
    theirs = FeedbackItemFactory(organization=charlie.organization, text="elsewhere")
    case_open(
        organization=charlie.organization, subject="X", by=None, origin=Origin(feedback_item=theirs)
    )

    assert sorted(_texts(acme, has_case="yes")) == ["late parcel", "refund came", "rude agent"]
    assert sorted(_texts(acme, has_case="open")) == ["late parcel", "rude agent"]
    assert _texts(acme, has_case="no") == ["all good"]
