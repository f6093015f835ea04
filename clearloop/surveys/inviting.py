"""Personal survey invitations by email: create a batch, send, remind, answer, opt out.

Tokens. A link's token has 256 bits of randomness and only its SHA-256 is stored, so the
token lives in the email alone (never in the database or the task queue). Sending issues
the token; every reminder issues a new one and the previous link stops working: a
reminder must carry a working link, and keeping the old one would mean storing the token
(or something that decrypts to it). The opt-out link is instead a signed code for the
invitation (`opt_out_code`), so the opt-out link in an older email keeps working after a
reminder replaced its survey link.

Rules. A batch skips customers without an email address, addresses that opted out of
this organization's surveys, and customers invited or surveyed in the organization within
the distribution's `contact_frequency_days`. Invitations to opted-out addresses that are
still queued or waiting for reminders are dropped when their turn comes.

Delivery. `invitation_send` runs in a durable task: a failed send marks the invitation
failed with the error and raises, so the task retries with backoff. A reminder that fails
puts the previous token back, so the link the customer already has keeps working.

Delayed sends. An invitation with `send_after` in the future (one made after a service
interaction) stays queued; `invitations_send_due`, run every minute, sends those that are
due. A send is claimed first: under a row lock, `send_after` is moved `SEND_LEASE` into the
future, so a second worker (or a second run of the same task) skips the row while the email
is on its way, and a worker that dies mid-send leaves a row that becomes due again once the
lease runs out. The real `send_after` is put back when the send ends.

Resending. The link's token is never stored, so a lost email cannot be sent again as it
was: a resend of a sent invitation is a reminder sent now. It issues a fresh link (the
previous one stops working), uses the reminder email and counts against the distribution's
reminder budget; once that is spent, resending is refused. A failed invitation is resent by
retrying its first send.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership
from clearloop.accounts.roles import Capability
from clearloop.accounts.tokens import digest, new_secret
from clearloop.core.errors import Conflict, NotFound, ValidationFailed
from clearloop.core.scoping import assert_same_organization
from clearloop.core.tasks import enqueue_on_commit
from clearloop.customers.models import Customer, Interaction
from clearloop.customers.services import CustomerEntry, customers_find_or_create
from clearloop.surveys.models import (
    ContactOptOut,
    Distribution,
    InvitationStatus,
    OptOutSource,
    Response,
    ResponseChannel,
    SurveyInvitation,
    SurveyStatus,
)
from clearloop.surveys.responding import (
    HIDDEN_FIELDS_MAX,
    HIDDEN_VALUE_MAX_LENGTH,
    response_complete,
    response_start_or_resume,
)
from clearloop.surveys.services import require_capability

logger = logging.getLogger("clearloop.surveys.inviting")

DEFAULT_LIFETIME = timedelta(days=14)
REMINDER_BATCH = 500
SEND_BATCH = 500
# Longer than any SMTP conversation (connect, TLS, DATA) can take.
SEND_LEASE = timedelta(minutes=10)
OPT_OUT_SALT = "clearloop.surveys.invitation-opt-out"


class SkipReason(StrEnum):
    NO_EMAIL = "no_email"
    OPTED_OUT = "opted_out"
    RECENTLY_SURVEYED = "recently_surveyed"


@dataclass
class InvitationBatch:
    """What `invitations_create` did: the invitations made, and who was skipped and why."""

    invitations: list[SurveyInvitation] = field(default_factory=list)
    skipped: dict[SkipReason, list[int]] = field(default_factory=dict)
    # The address of every customer considered, so a caller can name who was skipped.
    emails: dict[int, str] = field(default_factory=dict)

    @property
    def skipped_counts(self) -> dict[str, int]:
        return {str(reason): len(ids) for reason, ids in self.skipped.items()}

    def skip(self, reason: SkipReason, customer_ids: Iterable[int]) -> None:
        ids = sorted(customer_ids)
        if ids:
            self.skipped.setdefault(reason, []).extend(ids)


# --- Reading ---------------------------------------------------------------------------


def _opted_out(organization_id: int, emails: Iterable[str]) -> set[str]:
    lowered = {email.lower() for email in emails}
    return set(
        ContactOptOut.objects.filter(organization_id=organization_id, email__in=lowered)
        .values_list("email", flat=True)
        .iterator()
    )


def _recently_surveyed(organization_id: int, customer_ids: list[int], days: int) -> set[int]:
    """Customers sent (or about to be sent) an invitation, or who started a response, in
    the organization within `days` days."""
    if days == 0 or not customer_ids:
        return set()
    since = timezone.now() - timedelta(days=days)
    invited = SurveyInvitation.objects.filter(
        organization_id=organization_id, customer_id__in=customer_ids
    ).filter(Q(sent_at__gte=since) | Q(status=InvitationStatus.QUEUED))
    responded = Response.objects.filter(
        organization_id=organization_id, customer_id__in=customer_ids, started_at__gte=since
    )
    return set(invited.values_list("customer_id", flat=True)) | set(
        responded.values_list("customer_id", flat=True)
    )


def invitation_for_token(*, token: str) -> SurveyInvitation | None:
    """The invitation behind a link token whatever its state, else None (one query)."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyInvitation.objects.select_related("distribution__survey", "response__version")
        .filter(token_hash=digest(token))
        .first()
    )


def invitation_is_open(invitation: SurveyInvitation) -> bool:
    """Whether the link may be answered now: sent, unexpired, on an active distribution of
    a live survey."""
    distribution = invitation.distribution
    return (
        invitation.status == InvitationStatus.SENT
        and invitation.expires_at > timezone.now()
        and distribution.active
        and distribution.survey.status == SurveyStatus.LIVE
    )


def opt_out_code(invitation: SurveyInvitation) -> str:
    """A signed, URL-safe code naming the invitation, for its opt-out link."""
    return signing.dumps(invitation.pk, salt=OPT_OUT_SALT)


def invitation_for_opt_out_code(code: str) -> SurveyInvitation | None:
    """The invitation named by a signed opt-out code, or None when we did not sign it or
    the invitation is gone."""
    try:
        value = signing.loads(code, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, int):
        return None
    return SurveyInvitation.objects.select_related("distribution__survey").filter(pk=value).first()


# --- Creating --------------------------------------------------------------------------


def _clean_hidden_fields(*layers: Mapping[str, object] | None) -> dict[str, str]:
    """Hidden fields merged in order (later layers win), checked and cut to size."""
    fields: dict[str, object] = {}
    for layer in layers:
        fields.update(layer or {})
    if len(fields) > HIDDEN_FIELDS_MAX:
        raise ValidationFailed(
            _("Pass at most %(count)d hidden fields.") % {"count": HIDDEN_FIELDS_MAX},
            fields={"hidden_fields": "too_many"},
        )
    return {str(key)[:60]: str(value)[:HIDDEN_VALUE_MAX_LENGTH] for key, value in fields.items()}


def check_email_distribution(distribution: Distribution) -> None:
    if distribution.kind != ResponseChannel.EMAIL:
        raise ValidationFailed(
            _("Invitations go out through an email distribution; this one is %(kind)s.")
            % {"kind": distribution.get_kind_display()},
            fields={"distribution": "not_email"},
        )
    if not distribution.active or distribution.survey.status != SurveyStatus.LIVE:
        raise Conflict(
            _("Publish the survey and switch this distribution on before inviting customers.")
        )


def _language_for(distribution: Distribution, customer: Customer) -> str:
    survey = distribution.survey
    return customer.language if customer.language in survey.languages else survey.default_language


def _candidates(
    distribution: Distribution, customers: list[Customer], batch: InvitationBatch
) -> list[Customer]:
    """The customers the rules let through; the others are recorded in `batch.skipped`."""
    batch.emails = {customer.pk: customer.email for customer in customers}
    with_email = [customer for customer in customers if customer.email.strip()]
    batch.skip(SkipReason.NO_EMAIL, {c.pk for c in customers} - {c.pk for c in with_email})
    opted_out = _opted_out(distribution.organization_id, (c.email for c in with_email))
    batch.skip(SkipReason.OPTED_OUT, {c.pk for c in with_email if c.email.lower() in opted_out})
    candidates = [c for c in with_email if c.email.lower() not in opted_out]
    recent = _recently_surveyed(
        distribution.organization_id,
        [c.pk for c in candidates],
        distribution.contact_frequency_days,
    )
    batch.skip(SkipReason.RECENTLY_SURVEYED, recent)
    return [customer for customer in candidates if customer.pk not in recent]


@transaction.atomic
def invitations_create(
    *,
    distribution: Distribution,
    customers: Iterable[Customer],
    by: Membership,
    hidden_fields: Mapping[str, object] | None = None,
    hidden_fields_by_customer: Mapping[int, Mapping[str, object]] | None = None,
    expires_in: timedelta = DEFAULT_LIFETIME,
    send_after: datetime | None = None,
    interaction: Interaction | None = None,
) -> InvitationBatch:
    """Invite customers to answer through an email distribution, in one transaction.

    Each invitation is emailed by a background task after commit, or, with `send_after`
    in the future, by the periodic `invitations_send_due` once that time has come; its
    expiry counts from then. `hidden_fields_by_customer` adds fields per customer id on
    top of `hidden_fields`. `interaction` is the service contact the invitations ask about."""
    require_capability(by, Capability.MANAGE_SURVEYS, distribution.organization_id)
    check_email_distribution(distribution)
    customers = list({customer.pk: customer for customer in customers}.values())
    assert_same_organization(distribution.organization, *customers, interaction)
    extra = hidden_fields_by_customer or {}
    hidden = {c.pk: _clean_hidden_fields(hidden_fields, extra.get(c.pk)) for c in customers}
    if expires_in <= timedelta(0):
        raise ValidationFailed(_("Invitations must stay valid for some time."))
    batch = InvitationBatch()
    now = timezone.now()
    expires_at = max(now, send_after or now) + expires_in
    batch.invitations = SurveyInvitation.objects.bulk_create(
        SurveyInvitation(
            organization_id=distribution.organization_id,
            distribution=distribution,
            customer=customer,
            email=customer.email.strip(),
            language=_language_for(distribution, customer),
            # Unusable until sending issues the real token (which is never stored).
            token_hash=digest(new_secret()),
            expires_at=expires_at,
            send_after=send_after,
            interaction=interaction,
            hidden_fields=hidden[customer.pk],
        )
        for customer in _candidates(distribution, customers, batch)
    )
    if send_after is None or send_after <= now:
        from clearloop.surveys.tasks import invitation_email_send

        for invitation in batch.invitations:
            enqueue_on_commit(invitation_email_send, invitation_id=invitation.pk)
    return batch


@dataclass(frozen=True)
class Contact:
    """Someone to invite by address: how to find (or record) the customer, and hidden
    fields for their invitation alone."""

    customer: CustomerEntry
    hidden_fields: Mapping[str, object] = field(default_factory=dict)


@transaction.atomic
def invitations_create_for_contacts(
    *,
    distribution: Distribution,
    by: Membership,
    contacts: Sequence[Contact] = (),
    customer_ids: Sequence[int] = (),
    hidden_fields: Mapping[str, object] | None = None,
) -> InvitationBatch:
    """`invitations_create` for customers named by id and for contacts named by address
    (found by external id or email, else recorded), all in one transaction."""
    require_capability(by, Capability.MANAGE_SURVEYS, distribution.organization_id)
    check_email_distribution(distribution)
    wanted = set(customer_ids)
    customers = list(
        Customer.objects.for_organization(distribution.organization_id).filter(pk__in=wanted)
    )
    missing = sorted(wanted - {customer.pk for customer in customers})
    if missing:
        raise NotFound(
            _("No customer with id %(ids)s.") % {"ids": ", ".join(map(str, missing))},
            fields={"customers": missing},
        )
    found = customers_find_or_create(
        organization=distribution.organization,
        entries=[contact.customer for contact in contacts],
        by=by,
    )
    per_customer = {
        customer.pk: contact.hidden_fields
        for customer, contact in zip(found, contacts, strict=True)
    }
    return invitations_create(
        distribution=distribution,
        customers=[*customers, *found],
        by=by,
        hidden_fields=hidden_fields,
        hidden_fields_by_customer=per_customer,
    )


@dataclass(frozen=True)
class InvitationPreview:
    """What a batch would do: how many invitations it would make, and the skips by reason."""

    invite: int
    skipped: dict[str, int]

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def invitations_preview(
    *,
    distribution: Distribution,
    customers: Sequence[Customer] = (),
    contacts: Sequence[Contact] = (),
) -> InvitationPreview:
    """`invitations_create`'s rules applied without writing anything. Contacts are matched
    to existing customers by email address for the contact-frequency rule."""
    batch = InvitationBatch()
    invite = len(_candidates(distribution, list(customers), batch))
    emails = {contact.customer.email.lower() for contact in contacts}
    opted_out = _opted_out(distribution.organization_id, emails)
    known = dict(
        Customer.objects.for_organization(distribution.organization_id)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails - opted_out)
        .values_list("email_lower", "pk")
    )
    recent = _recently_surveyed(
        distribution.organization_id, list(known.values()), distribution.contact_frequency_days
    )
    recent_emails = {email for email, pk in known.items() if pk in recent}
    batch.skip(SkipReason.OPTED_OUT, range(len(opted_out)))
    batch.skip(SkipReason.RECENTLY_SURVEYED, range(len(recent_emails)))
    invite += len(emails - opted_out - recent_emails)
    return InvitationPreview(invite=invite, skipped=batch.skipped_counts)


# --- Sending ---------------------------------------------------------------------------


def _link(name: str, value: str) -> str:
    return settings.SITE_URL + reverse(f"survey_invitation:{name}", args=[value])


def _email(invitation: SurveyInvitation, token: str, *, reminder: bool) -> EmailMessage:
    survey = invitation.distribution.survey
    opt_out = _link("opt_out", opt_out_code(invitation))
    with translation.override(invitation.language):
        context = {
            "survey": survey,
            "link": _link("page", token),
            "opt_out_link": opt_out,
            "expires_at": invitation.expires_at,
            "reminder": reminder,
        }
        subject = (
            _("Reminder: %(survey)s") if reminder else _("Tell us how we did: %(survey)s")
        ) % {"survey": survey.name}
        body = render_to_string("surveys/email/invitation.txt", context)
    return EmailMessage(
        subject,
        body,
        None,
        [invitation.email],
        headers={
            "List-Unsubscribe": f"<{opt_out}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _locked(invitation_id: int) -> SurveyInvitation | None:
    return (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("distribution__survey")
        .filter(pk=invitation_id)
        .first()
    )


def _address_opted_out(invitation: SurveyInvitation) -> bool:
    return ContactOptOut.objects.filter(
        organization_id=invitation.organization_id, email=invitation.email.lower()
    ).exists()


def _next_reminder(invitation: SurveyInvitation, after: datetime) -> datetime | None:
    distribution = invitation.distribution
    if invitation.reminders_sent >= distribution.reminder_count:
        return None
    return after + timedelta(hours=distribution.reminder_delay_hours)


def _claim_first_send(invitation_id: int) -> tuple[SurveyInvitation, str, datetime | None] | None:
    """Lock, check the invitation may go now, issue its token and take the send lease.
    Returns the invitation, its token and the `send_after` to put back afterwards."""
    now = timezone.now()
    with transaction.atomic():
        invitation = _locked(invitation_id)
        if invitation is None or invitation.status not in (
            InvitationStatus.QUEUED,
            InvitationStatus.FAILED,
        ):
            return None
        if invitation.send_after is not None and invitation.send_after > now:
            return None  # not due yet, or another worker holds the lease
        if _address_opted_out(invitation):
            invitation.status = InvitationStatus.OPTED_OUT
            invitation.save(update_fields=["status", "updated_at"])
            return None
        if invitation.expires_at <= now:
            invitation.status = InvitationStatus.EXPIRED
            invitation.save(update_fields=["status", "updated_at"])
            return None
        scheduled = invitation.send_after
        token = new_secret()
        invitation.token_hash = digest(token)
        invitation.send_after = now + SEND_LEASE
        invitation.save(update_fields=["token_hash", "send_after", "updated_at"])
    return invitation, token, scheduled


def invitation_send(*, invitation_id: int) -> bool:
    """Email a queued (or failed) invitation that is due with a fresh link; anything else
    is left alone, so running twice, even at the same time, is safe. Returns whether it
    sent. A delivery error marks the invitation failed and is raised again, so the durable
    task retries."""
    claimed = _claim_first_send(invitation_id)
    if claimed is None:
        return False
    invitation, token, scheduled = claimed
    try:
        _email(invitation, token, reminder=False).send()
    except Exception as error:
        SurveyInvitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.FAILED,
            send_after=scheduled,
            error=repr(error)[:2000],
            updated_at=timezone.now(),
        )
        raise
    now = timezone.now()
    SurveyInvitation.objects.filter(pk=invitation.pk, token_hash=digest(token)).update(
        status=InvitationStatus.SENT,
        sent_at=now,
        send_after=scheduled,
        next_reminder_at=_next_reminder(invitation, now),
        error="",
        updated_at=now,
    )
    return True


def invitations_send_due() -> int:
    """Send the queued invitations whose `send_after` has come (at most `SEND_BATCH` per
    run; the rest go next run). Each send is claimed, so several workers may run this at
    once. A failed send is handed to the durable task, which retries it with backoff.
    Returns the number sent."""
    from clearloop.surveys.tasks import invitation_email_send

    due = (
        SurveyInvitation.objects.filter(
            status=InvitationStatus.QUEUED, send_after__lte=timezone.now()
        )
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:SEND_BATCH]
    )
    sent = 0
    for pk in list(due):
        try:
            sent += invitation_send(invitation_id=pk)
        except Exception as error:
            logger.warning("invitation_send_failed id=%s error=%r", pk, error)
            invitation_email_send.enqueue(invitation_id=pk)
    return sent


def invitation_mark_opened(*, invitation: SurveyInvitation) -> None:
    """Record the first time the invitation's link was opened (the funnel's "opened"
    step): one conditional UPDATE the first time, no write at all after that."""
    if invitation.opened_at is not None:
        return
    now = timezone.now()
    SurveyInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
    invitation.opened_at = now


# --- Reminders -------------------------------------------------------------------------


def _reminder_due(invitation: SurveyInvitation, now: datetime) -> bool:
    return (
        invitation.status == InvitationStatus.SENT
        and invitation.next_reminder_at is not None
        and invitation.next_reminder_at <= now
        and invitation.expires_at > now
        and invitation.reminders_sent < invitation.distribution.reminder_count
        and invitation.distribution.active
        and invitation.distribution.survey.status == SurveyStatus.LIVE
        and not _answered(invitation)
    )


def _answered(invitation: SurveyInvitation) -> bool:
    return (
        invitation.response_id is not None
        and Response.objects.filter(pk=invitation.response_id, completed_at__isnull=False).exists()
    )


def _claim_reminder(
    invitation_id: int,
) -> tuple[SurveyInvitation, str, str, datetime | None] | None:
    """Lock, check the reminder is still due, and count it with a new token, so a second
    run finds nothing to do. Returns the invitation, the new token, and the previous hash
    and reminder time (to put back if delivery fails)."""
    now = timezone.now()
    with transaction.atomic():
        invitation = _locked(invitation_id)
        if invitation is None or not _reminder_due(invitation, now):
            if invitation is not None and invitation.next_reminder_at is not None:
                invitation.next_reminder_at = None
                invitation.save(update_fields=["next_reminder_at", "updated_at"])
            return None
        if _address_opted_out(invitation):
            invitation.status = InvitationStatus.OPTED_OUT
            invitation.next_reminder_at = None
            invitation.save(update_fields=["status", "next_reminder_at", "updated_at"])
            return None
        previous_hash, previous_reminder_at = invitation.token_hash, invitation.last_reminder_at
        token = new_secret()
        invitation.token_hash = digest(token)
        invitation.reminders_sent += 1
        invitation.last_reminder_at = now
        invitation.next_reminder_at = _next_reminder(invitation, now)
        invitation.save(
            update_fields=[
                "token_hash",
                "reminders_sent",
                "last_reminder_at",
                "next_reminder_at",
                "updated_at",
            ]
        )
    return invitation, token, previous_hash, previous_reminder_at


def invitation_remind(*, invitation_id: int) -> bool:
    """Send one due reminder with a new link (the previous one stops working). A failed
    delivery is undone (old link, count and due time restored) and retried next run."""
    claimed = _claim_reminder(invitation_id)
    if claimed is None:
        return False
    invitation, token, previous_hash, previous_reminder_at = claimed
    try:
        _email(invitation, token, reminder=True).send()
    except Exception as error:
        logger.warning("invitation_reminder_failed id=%s error=%r", invitation.pk, error)
        SurveyInvitation.objects.filter(pk=invitation.pk, token_hash=digest(token)).update(
            token_hash=previous_hash,
            reminders_sent=invitation.reminders_sent - 1,
            last_reminder_at=previous_reminder_at,
            next_reminder_at=timezone.now(),
            error=repr(error)[:2000],
            updated_at=timezone.now(),
        )
        return False
    return True


def invitations_expire() -> int:
    """Mark invitations past their expiry that were never answered; returns how many."""
    return SurveyInvitation.objects.filter(
        status__in=[InvitationStatus.QUEUED, InvitationStatus.SENT, InvitationStatus.FAILED],
        expires_at__lte=timezone.now(),
    ).update(status=InvitationStatus.EXPIRED, next_reminder_at=None, updated_at=timezone.now())


def reminders_send_due() -> int:
    """Send every reminder that is due (at most `REMINDER_BATCH` per run; the rest go next
    run) and expire old invitations. Returns the number of reminders sent."""
    invitations_expire()
    now = timezone.now()
    opted_out = ContactOptOut.objects.filter(
        organization_id=OuterRef("organization_id"), email=Lower(OuterRef("email"))
    )
    due = (
        SurveyInvitation.objects.filter(
            status=InvitationStatus.SENT, next_reminder_at__lte=now, expires_at__gt=now
        )
        .exclude(response__completed_at__isnull=False)
        .exclude(Exists(opted_out))
        .order_by("next_reminder_at", "pk")
        .values_list("pk", flat=True)[:REMINDER_BATCH]
    )
    return sum(invitation_remind(invitation_id=pk) for pk in list(due))


# --- Resending -------------------------------------------------------------------------


def _refuse_resend(invitation: SurveyInvitation) -> None:
    reasons = {
        InvitationStatus.QUEUED: _("This invitation has not been sent yet; it goes out by itself."),
        InvitationStatus.ANSWERED: _("This invitation is answered; there is nothing to resend."),
        InvitationStatus.EXPIRED: _("This invitation has expired; invite the customer again."),
        InvitationStatus.OPTED_OUT: _("This address asked for no more survey emails."),
    }
    if invitation.status in reasons:
        raise Conflict(reasons[InvitationStatus(invitation.status)])
    if invitation.expires_at <= timezone.now():
        raise Conflict(reasons[InvitationStatus.EXPIRED])
    if invitation.status == InvitationStatus.SENT and (
        invitation.reminders_sent >= invitation.distribution.reminder_count
    ):
        raise Conflict(
            _("All %(count)d reminders of this distribution are used; a resend counts as one.")
            % {"count": invitation.distribution.reminder_count}
        )


@transaction.atomic
def invitation_resend(*, invitation: SurveyInvitation, by: Membership) -> SurveyInvitation:
    """Send a failed invitation again, or a sent one as a reminder now (a fresh link that
    counts against the reminder budget; see the module docstring). The email goes out
    from a background task after commit."""
    require_capability(by, Capability.MANAGE_SURVEYS, invitation.organization_id)
    locked = _locked(invitation.pk)
    assert locked is not None
    check_email_distribution(locked.distribution)
    _refuse_resend(locked)
    if _address_opted_out(locked):
        raise Conflict(_("This address asked for no more survey emails."))
    from clearloop.surveys.tasks import invitation_email_send, invitation_reminder_send

    if locked.status == InvitationStatus.FAILED:
        locked.send_after = None
        locked.save(update_fields=["send_after", "updated_at"])
        enqueue_on_commit(invitation_email_send, invitation_id=locked.pk)
    else:
        # Due now: the reminder path claims it once, so a double click sends one email.
        locked.next_reminder_at = timezone.now()
        locked.save(update_fields=["next_reminder_at", "updated_at"])
        enqueue_on_commit(invitation_reminder_send, invitation_id=locked.pk)
    return locked


# --- Answering -------------------------------------------------------------------------


@transaction.atomic
def invitation_response_start(*, invitation: SurveyInvitation, language: str) -> Response:
    """The response bound to this invitation, started on first use: the invitation's
    customer, the email channel, its hidden fields. A retry or a second tab gets the same
    row (the invitation row is locked while the response is made)."""
    locked = _locked(invitation.pk)
    assert locked is not None
    if locked.response_id is not None:
        existing = Response.objects.get(pk=locked.response_id)
        assert existing.submission_id is not None
        return response_start_or_resume(
            distribution=locked.distribution,
            submission_id=existing.submission_id,
            language=language,
            hidden_fields=locked.hidden_fields,
        )
    response = response_start_or_resume(
        distribution=locked.distribution,
        submission_id=uuid.uuid4(),
        language=language,
        hidden_fields=locked.hidden_fields,
    )
    response.customer_id = locked.customer_id
    response.interaction_id = locked.interaction_id
    response.save(update_fields=["customer", "interaction", "updated_at"])
    locked.response = response
    locked.save(update_fields=["response", "updated_at"])
    return response


@transaction.atomic
def invitation_response_complete(*, invitation: SurveyInvitation, response: Response) -> Response:
    """Complete the response and spend the invitation, together: its link stops working."""
    completed = response_complete(response=response)
    SurveyInvitation.objects.filter(pk=invitation.pk, response=completed).update(
        status=InvitationStatus.ANSWERED, next_reminder_at=None, updated_at=timezone.now()
    )
    return completed


# --- Opting out ------------------------------------------------------------------------


@transaction.atomic
def invitation_opt_out(*, code: str, source: str = OptOutSource.LINK) -> bool:
    """Record that the invitation's address wants no more survey emails from its
    organization (every survey), and stop this invitation's reminders. `code` is the
    signed code from the opt-out link. Returns False for a code we did not sign or an
    invitation that no longer exists; opting out twice changes nothing."""
    found = invitation_for_opt_out_code(code)
    invitation = _locked(found.pk) if found is not None else None
    if invitation is None:
        return False
    try:
        with transaction.atomic():
            ContactOptOut.objects.get_or_create(
                organization_id=invitation.organization_id,
                email=invitation.email.lower(),
                defaults={"source": source},
            )
    except IntegrityError:  # the same address opted out at the same moment elsewhere
        pass
    if invitation.status in (
        InvitationStatus.QUEUED,
        InvitationStatus.SENT,
        InvitationStatus.FAILED,
    ):
        invitation.status = InvitationStatus.OPTED_OUT
    invitation.next_reminder_at = None
    invitation.save(update_fields=["status", "next_reminder_at", "updated_at"])
    return True
