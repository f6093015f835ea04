"""Test data: a customer with something in every table that points at customers, so
merge, export, erase and the timeline can be checked against all of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from clearloop.accounts.models import Organization
from clearloop.customers.models import Customer, Interaction, InteractionChannel, Order
from clearloop.customers.tests.factories import CustomerFactory, InteractionFactory, OrderFactory
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.feedback.tests.factories import FeedbackItemFactory
from clearloop.surveys.models import (
    ContactOptOut,
    Distribution,
    InvitationStatus,
    QuestionKind,
    Response,
    ResponseChannel,
    SurveyInvitation,
    SurveyVersion,
)
from clearloop.surveys.tests.factories import (
    AnswerFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyVersionFactory,
)

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
PII = {
    "name": "Ingrid Quarterman",
    "email": "ingrid.q@example.org",
    "phone": "+49 170 5550199",
    "external_id": "CRM-77831",
    "comment": "Ingrid here, call me on +49 170 5550199 about the broken lamp",
    "review": "Quarterman household: the sofa arrived scratched",
    "note": "Spoke to Ingrid Quarterman, promised a refund",
    "hidden": "order-ingrid-9911",
}


@dataclass
class Survey:
    version: SurveyVersion
    nps: object
    comment: object
    distribution: Distribution


def nps_survey(organization: Organization) -> Survey:
    version = SurveyVersionFactory(organization=organization, survey__organization=organization)
    nps = QuestionFactory(version=version, key="nps", kind=QuestionKind.NPS, position=1)
    comment = QuestionFactory(
        version=version, key="why", kind=QuestionKind.TEXT, position=2, required=False
    )
    distribution = Distribution.objects.create(
        organization=organization,
        survey=version.survey,
        kind=ResponseChannel.EMAIL,
        public_token=f"dist-{version.pk}",
    )
    return Survey(version, nps, comment, distribution)


def answered(
    survey: Survey, customer: Customer | None, score: int, at: dt.datetime, text: str = ""
) -> Response:
    response = ResponseFactory(
        organization=survey.version.organization,
        version=survey.version,
        customer=customer,
        started_at=at,
        completed_at=at + dt.timedelta(minutes=2),
        hidden_fields={"order": PII["hidden"]},
    )
    AnswerFactory(response=response, question=survey.nps, number=score)
    if text:
        AnswerFactory(response=response, question=survey.comment, number=None, text=text)
        FeedbackItem.objects.create(
            organization=survey.version.organization,
            source=FeedbackSource.SURVEY_COMMENT,
            response=response,
            customer=customer,
            text=text,
            occurred_at=at,
        )
    return response


def invited(survey: Survey, customer: Customer, at: dt.datetime, **fields) -> SurveyInvitation:
    return SurveyInvitation.objects.create(
        organization=customer.organization,
        distribution=survey.distribution,
        customer=customer,
        email=customer.email,
        language="en",
        token_hash=f"{customer.pk:032d}{at.timestamp():032.0f}",
        status=fields.pop("status", InvitationStatus.SENT),
        sent_at=at,
        expires_at=at + dt.timedelta(days=14),
        hidden_fields={"order": PII["hidden"]},
        **fields,
    )


def full_history(organization: Organization, survey: Survey | None = None, **profile) -> Customer:
    """A customer with two orders, an interaction, a response with a comment, a review,
    a sent invitation and an opt-out, at known moments (T0 + n days)."""
    survey = survey or nps_survey(organization)
    customer = CustomerFactory(
        organization=organization,
        **{key: PII[key] for key in ("name", "email", "phone", "external_id")} | profile,
    )
    day = dt.timedelta(days=1)
    OrderFactory(customer=customer, ordered_at=T0, amount=Decimal("120.00"), product="Lamp")
    OrderFactory(customer=customer, ordered_at=T0 + 2 * day, product="Aster sofa")
    InteractionFactory(
        customer=customer,
        channel=InteractionChannel.CHAT,
        started_at=T0 + day,
        notes=PII["note"],
    )
    answered(survey, customer, 3, T0 + 3 * day, text=PII["comment"])
    FeedbackItemFactory(
        organization=organization,
        customer=customer,
        text=PII["review"],
        occurred_at=T0 + 4 * day,
        metadata={"author": PII["name"]},
    )
    invited(survey, customer, T0 + 5 * day)
    ContactOptOut.objects.get_or_create(organization=organization, email=customer.email.lower())
    return customer


def related_counts(customer: Customer) -> dict[str, int]:
    return {
        "orders": Order.objects.filter(customer=customer).count(),
        "interactions": Interaction.objects.filter(customer=customer).count(),
        "responses": Response.objects.filter(customer=customer).count(),
        "feedback": FeedbackItem.objects.filter(customer=customer).count(),
        "invitations": SurveyInvitation.objects.filter(customer=customer).count(),
    }


def now() -> dt.datetime:
    return timezone.now()
