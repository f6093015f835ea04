"""Surveys triggered by events in other systems: "after an interaction".

A help desk reports a closed service contact (a call, a chat, an email thread); Clearloop
records the customer and the interaction and schedules an email invitation for some
minutes after the contact ended. The report is idempotent on the interaction's external
id: a retry finds the interaction and its invitation and creates nothing. The usual rules
of `clearloop.surveys.inviting` apply (opt-outs, contact frequency); a customer they skip
is an outcome with its reason, not an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, User
from clearloop.accounts.roles import Capability
from clearloop.accounts.selectors import members_of
from clearloop.core.errors import ValidationFailed
from clearloop.customers.models import Customer, Interaction, InteractionChannel
from clearloop.customers.services import CustomerEntry, customer_find_or_create
from clearloop.surveys import inviting, services
from clearloop.surveys.models import Distribution, SurveyInvitation
from clearloop.surveys.services import require_capability


@dataclass(frozen=True)
class TriggerOutcome:
    """The interaction, and either its invitation or the reason the customer was skipped."""

    interaction: Interaction
    invitation: SurveyInvitation | None
    skipped: inviting.SkipReason | None
    created: bool


def _agent(by: Membership, agent_email: str) -> User | None:
    if not agent_email.strip():
        return None
    membership = (
        members_of(organization=by.organization)
        .filter(user__email__iexact=agent_email.strip())
        .first()
    )
    if membership is None:
        raise ValidationFailed(
            _("%(email)s is not a member of this organization.") % {"email": agent_email},
            fields={"agent": "not_a_member"},
        )
    return membership.user


def _check_times(started_at: dt.datetime, ended_at: dt.datetime | None) -> None:
    if any(timezone.is_naive(moment) for moment in (started_at, ended_at) if moment):
        raise ValidationFailed(
            _("Give times with their time zone, e.g. 2025-03-03T09:30:00Z."),
            fields={"started_at": "naive"},
        )
    if ended_at is not None and ended_at < started_at:
        raise ValidationFailed(
            _("The interaction cannot end before it starts."), fields={"ended_at": "before_start"}
        )


def _check_request(*, channel: str, external_id: str, delay_minutes: int | None) -> None:
    if channel not in InteractionChannel.values:
        raise ValidationFailed(
            _("The channel must be one of %(channels)s.")
            % {"channels": ", ".join(InteractionChannel.values)},
            fields={"channel": "invalid"},
        )
    if not external_id.strip() or len(external_id) > 120:
        raise ValidationFailed(
            _("Give the interaction's id in your help desk (at most 120 characters)."),
            fields={"external_id": "required"},
        )
    if delay_minutes is not None and not 0 <= delay_minutes <= services.MAX_SEND_DELAY_MINUTES:
        raise ValidationFailed(
            _("The delay is between 0 and %(max)d minutes.")
            % {"max": services.MAX_SEND_DELAY_MINUTES},
            fields={"delay_minutes": "out_of_range"},
        )


def _locked_interaction(organization_id: int, external_id: str) -> Interaction | None:
    return (
        Interaction.objects.select_for_update()
        .filter(organization_id=organization_id, external_id=external_id)
        .first()
    )


def _interaction_create(*, customer: Customer, fields: Mapping[str, Any]) -> Interaction | None:
    """A new interaction, or None when a concurrent report recorded the same one first."""
    try:
        with transaction.atomic():
            return Interaction.objects.create(
                organization_id=customer.organization_id, customer=customer, **fields
            )
    except IntegrityError:
        return None


@transaction.atomic
def interaction_closed_survey(
    *,
    distribution: Distribution,
    customer_data: CustomerEntry,
    channel: str,
    agent_email: str,
    external_id: str,
    started_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    hidden_fields: Mapping[str, object] | None,
    delay_minutes: int | None = None,
    by: Membership,
) -> TriggerOutcome:
    """Record a closed interaction and invite its customer through `distribution` (an
    email distribution), `delay_minutes` (else the distribution's send delay) after it
    ended. A repeated report of the same interaction returns what the first one made."""
    require_capability(by, Capability.MANAGE_SURVEYS, distribution.organization_id)
    inviting.check_email_distribution(distribution)
    _check_request(channel=channel, external_id=external_id, delay_minutes=delay_minutes)
    external_id = external_id.strip()
    ended = ended_at or timezone.now()
    started = started_at or ended
    _check_times(started, ended_at)
    agent = _agent(by, agent_email)
    interaction = _locked_interaction(distribution.organization_id, external_id)
    created = interaction is None
    if interaction is None:
        customer = customer_find_or_create(organization=by.organization, entry=customer_data, by=by)
        fields = {
            "external_id": external_id,
            "channel": channel,
            "agent": agent,
            "started_at": started,
            "ended_at": ended_at,
        }
        interaction = _interaction_create(customer=customer, fields=fields)
        if interaction is None:
            interaction = _locked_interaction(distribution.organization_id, external_id)
            assert interaction is not None
            created = False
    existing = interaction.survey_invitations.filter(distribution=distribution).first()
    if existing is not None:
        return TriggerOutcome(interaction, existing, None, created=False)
    delay = distribution.send_delay_minutes if delay_minutes is None else delay_minutes
    system_fields = {
        "channel": channel,
        "agent": agent.email if agent else "",
        "interaction_id": str(interaction.pk),
    }
    batch = inviting.invitations_create(
        distribution=distribution,
        customers=[interaction.customer],
        by=by,
        hidden_fields={**(hidden_fields or {}), **system_fields},
        send_after=(interaction.ended_at or ended) + dt.timedelta(minutes=delay),
        interaction=interaction,
    )
    invitation = batch.invitations[0] if batch.invitations else None
    skipped = next(iter(batch.skipped), None)
    return TriggerOutcome(interaction, invitation, skipped, created=created)
