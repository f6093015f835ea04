"""Privacy requests about one customer (GDPR, PIPL, APPI): export everything held about
them as JSON, and erase their personal data irreversibly, leaving an audit record.

What erasure removes and what it keeps for statistics is decided in
docs/decisions/0009-privacy.md. Erasure reaches into other apps' tables (responses,
answers, invitations, opt-outs, feedback items) because the person's data lives there;
when cases arrive, their step belongs in `_erase_related` next to the others.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership
from clearloop.accounts.roles import Capability
from clearloop.core.errors import Conflict
from clearloop.customers.models import (
    CustomAttribute,
    Customer,
    CustomerErasure,
    Interaction,
    Order,
)
from clearloop.customers.services import require_capability
from clearloop.feedback.models import FeedbackItem
from clearloop.surveys.models import (
    Answer,
    ContactOptOut,
    InvitationStatus,
    Response,
    SurveyInvitation,
)

EXPORT_FORMAT_VERSION = 1
INTERACTION_EXPORT_FIELDS = (
    "id",
    "external_id",
    "channel",
    "started_at",
    "ended_at",
    "wait_seconds",
    "resolved_on_first_contact",
    "notes",
)
FEEDBACK_EXPORT_FIELDS = (
    "id",
    "source",
    "language",
    "text",
    "rating",
    "occurred_at",
    "external_id",
    "metadata",
    "response_id",
)
RESPONSE_EXPORT_FIELDS = (
    "id",
    "survey_id",
    "survey__name",
    "language",
    "channel",
    "hidden_fields",
    "started_at",
    "completed_at",
)
PROFILE_EXPORT_FIELDS = (
    "id",
    "external_id",
    "name",
    "email",
    "phone",
    "language",
    "region",
    "country",
    "segment",
    "created_at",
    "updated_at",
    "erased_at",
)
# Invitations without token_hash: a hash of a live link is a credential, not personal data.
INVITATION_EXPORT_FIELDS = (
    "id",
    "distribution__survey_id",
    "distribution__survey__name",
    "email",
    "language",
    "status",
    "created_at",
    "sent_at",
    "opened_at",
    "reminders_sent",
    "expires_at",
    "response_id",
    "hidden_fields",
)


def _feedback_of(customer: Customer) -> QuerySet[FeedbackItem]:
    """The customer's feedback items, and the comments written in their survey responses
    even where the comment itself names no customer."""
    return FeedbackItem.objects.filter(organization_id=customer.organization_id).filter(
        Q(customer=customer) | Q(response__customer=customer)
    )


def _opt_outs_of(customer: Customer) -> QuerySet[ContactOptOut]:
    scoped = ContactOptOut.objects.for_organization(customer.organization_id)
    if not customer.email:
        return scoped.none()
    # Opt-outs are stored in lower case (a constraint of the surveys app).
    return scoped.filter(email=customer.email.lower())


def customer_export(*, customer: Customer, by: Membership) -> dict[str, Any]:
    """Everything held about `customer`, as plain JSON values (ISO dates, amounts as
    strings). A fixed number of queries whatever the customer's history."""
    require_capability(by, customer.organization_id, Capability.EXPORT_DATA)
    data = {
        "format": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now(),
        "customer": {name: getattr(customer, name) for name in PROFILE_EXPORT_FIELDS},
        "attributes": _attributes(customer),
        "orders": list(
            customer.orders.values(
                "id", "external_id", "product", "amount", "currency", "ordered_at"
            )
        ),
        "interactions": _interactions(customer),
        "responses": _responses(customer),
        "feedback_items": list(_feedback_of(customer).values(*FEEDBACK_EXPORT_FIELDS)),
        "survey_invitations": list(
            SurveyInvitation.objects.filter(customer=customer)
            .order_by("-created_at", "-pk")
            .values(*INVITATION_EXPORT_FIELDS)
        ),
        "opt_outs": list(_opt_outs_of(customer).values("email", "source", "created_at")),
    }
    # One round trip through the encoder turns datetimes and decimals into JSON values.
    return dict(json.loads(json.dumps(data, cls=DjangoJSONEncoder)))


def _attributes(customer: Customer) -> list[dict[str, Any]]:
    labels = dict(
        CustomAttribute.objects.for_organization(customer.organization_id).values_list(
            "key", "label"
        )
    )
    return [
        {"key": key, "label": labels.get(key, ""), "value": value}
        for key, value in sorted((customer.attributes or {}).items())
    ]


def _interactions(customer: Customer) -> list[dict[str, Any]]:
    rows = customer.interactions.annotate(agent_name=F("agent__full_name")).values(
        *INTERACTION_EXPORT_FIELDS, "agent_name"
    )
    return [dict(row) for row in rows]


def _responses(customer: Customer) -> list[dict[str, Any]]:
    responses = list(
        Response.objects.filter(customer=customer)
        .order_by("-started_at", "-pk")
        .values(*RESPONSE_EXPORT_FIELDS)
    )
    answers: dict[int, list[dict[str, Any]]] = {}
    rows = Answer.objects.filter(response__customer=customer).values(
        "response_id", "question__key", "row", "number", "choices", "text"
    )
    for row in rows.order_by("response_id", "pk"):
        response_id = row.pop("response_id")
        answers.setdefault(response_id, []).append({**row, "question": row.pop("question__key")})
    return [{**response, "answers": answers.get(response["id"], [])} for response in responses]


@transaction.atomic
def customer_erase(*, customer: Customer, by: Membership) -> CustomerErasure:
    """Remove `customer`'s personal data for good and return the audit record.

    The profile keeps only coarse fields (language, region, country, segment) as an
    anonymous shell, so scores kept for statistics still count in their segment. Free
    text, contact details, ids that lead back to other systems and purchase history go;
    see docs/decisions/0009-privacy.md for the list and why.
    """
    require_capability(by, customer.organization_id, Capability.ERASE_CUSTOMER_DATA)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at is not None:
        raise Conflict(_("This customer was erased already."))
    counts = _erase_related(customer)
    for name in ("name", "email", "phone", "external_id"):
        setattr(customer, name, "")
    customer.attributes = {}
    customer.erased_at = timezone.now()
    customer.save(
        update_fields=["name", "email", "phone", "external_id", "attributes", "erased_at"]
    )
    return CustomerErasure.objects.create(
        organization_id=customer.organization_id,
        erased_customer_id=customer.pk,
        erased_by=by.user if by.user_id else None,
        counts=counts,
    )


def _erase_related(customer: Customer) -> dict[str, int]:
    """Delete or blank the customer's rows in every table; counts by what was done.
    Runs before the profile is blanked, because opt-outs are found by address."""
    invitations = SurveyInvitation.objects.filter(customer=customer)
    return {
        "feedback_items_deleted": _feedback_of(customer)
        .delete()[1]
        .get(FeedbackItem._meta.label, 0),
        "opt_outs_deleted": _opt_outs_of(customer).delete()[0],
        "free_text_answers_blanked": Answer.objects.filter(response__customer=customer)
        .exclude(text="")
        .update(text=""),
        "responses_anonymised": Response.objects.filter(customer=customer).update(hidden_fields={}),
        # An unsent invitation would mail an address we no longer hold: it goes.
        "invitations_deleted": invitations.filter(status=InvitationStatus.QUEUED).delete()[0],
        "invitations_anonymised": invitations.update(
            email="", hidden_fields={}, error="", next_reminder_at=None
        ),
        "orders_deleted": Order.objects.filter(customer=customer).delete()[0],
        "interactions_anonymised": Interaction.objects.filter(customer=customer).update(
            notes="", external_id=""
        ),
    }
