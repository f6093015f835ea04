"""Talking to the customer: replies by email from the case, macros in the customer's
language, and the customer's email replies threaded back into the case.

Threading. Every email carries the case's reply reference in its subject,
``[CL-<id>-<check>]``, where the check is an HMAC of the case id under the site's secret
(`django.core.signing`), so nobody can post into a case by guessing its number. The
customer's reply reaches Clearloop through the organization's inbound email address (the
intake endpoint), becomes an email feedback item, and `email_reply_thread` moves it into the
case: a message in the history, the owner notified, a case waiting on the customer reopened.
The Message-ID is kept on the event, so a relay that retries threads once.
"""

from __future__ import annotations

import hmac
import re

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership
from clearloop.accounts.roles import Capability
from clearloop.cases import notify
from clearloop.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus, Notification
from clearloop.cases.services import (
    _event,
    _locked,
    _move,
    _require,
    settings_for,
    status_token_issue,
)
from clearloop.core.errors import ValidationFailed
from clearloop.feedback.models import FeedbackItem, FeedbackSource

REFERENCE = re.compile(r"\[CL-(\d+)-([0-9a-zA-Z_-]{10})\]")
MAX_BODY = 10_000


def _check(case_id: int) -> str:
    return signing.Signer(salt="clearloop.cases.reply").signature(str(case_id))[:10]


def reply_reference(case: Case) -> str:
    return f"[{case.reference}-{_check(case.pk)}]"


def case_for_subject(organization_id: int, subject: str) -> Case | None:
    match = REFERENCE.search(subject or "")
    if match is None:
        return None
    case_id, check = int(match.group(1)), match.group(2)
    if not hmac.compare_digest(_check(case_id), check):
        return None
    return Case.objects.for_organization(organization_id).filter(pk=case_id).first()


# --- Macros -------------------------------------------------------------------------------

MACROS = ("apology", "more_details", "resolved")


def macro_text(name: str, *, case: Case, language: str) -> str:
    customer = case.customer.name if case.customer and case.customer.name else ""
    with translation.override(language or "en"):
        greeting = (_("Hello %(name)s,") % {"name": customer}) if customer else _("Hello,")
        bodies = {
            "apology": _(
                "We are sorry about your experience. We have looked into what happened and "
                "want to put it right."
            ),
            "more_details": _(
                "Thank you for telling us. Could you give us a few more details (an order "
                "number, the date) so we can sort this out quickly?"
            ),
            "resolved": _(
                "We believe this is now fixed. If anything is still wrong, just reply to this "
                "email and we will pick it up again."
            ),
        }
        return f"{greeting}\n\n{bodies[name]}\n"


def macros_for(case: Case) -> list[tuple[str, str]]:
    language = case.language or "en"
    # Labels in the agent's language; the text in the customer's.
    labels = {
        "apology": _("Apology"),
        "more_details": _("Ask for details"),
        "resolved": _("Fixed"),
    }
    return [(labels[name], macro_text(name, case=case, language=language)) for name in MACROS]


# --- Replies ------------------------------------------------------------------------------


def _status_link(token: str) -> str:
    return settings.SITE_URL + reverse("case_status", args=[token])


def _email(case: Case, body: str, token: str) -> EmailMessage:
    case_settings = settings_for(case.organization_id)
    with translation.override(case.language or "en"):
        footer = _("Follow your request here: %(link)s") % {"link": _status_link(token)}
        subject = f"{reply_reference(case)} {case.subject}"
    reply_to = [case_settings.reply_to_email] if case_settings.reply_to_email else None
    return EmailMessage(
        subject,
        f"{body}\n\n--\n{footer}\n",
        None,
        [case.customer.email] if case.customer else [],
        reply_to=reply_to,
        headers={"Message-ID": f"<case-{case.pk}-{timezone.now().timestamp():.0f}@clearloop>"},
    )


@transaction.atomic
def case_reply(
    *, case: Case, body: str, by: Membership | None, wait_for_customer: bool = True
) -> CaseEvent:
    """Email the customer from the case; the first reply stops the first-response clock,
    and (by default) the case then waits on the customer, its clock paused."""
    _require(by, Capability.WORK_CASES, case.organization_id)
    body = body.strip()
    if not body:
        raise ValidationFailed(_("Write the reply first."), fields={"body": "required"})
    case = _locked(case)
    if case.customer is None or not case.customer.email:
        raise ValidationFailed(
            _("This customer has no email address to reply to."), fields={"body": "no_email"}
        )
    event = _event(
        case, CaseEventKind.MESSAGE_OUT, by, body=body[:MAX_BODY], to_value=case.customer.email
    )
    if case.first_responded_at is None:
        case.first_responded_at = timezone.now()
        case.save(update_fields=["first_responded_at", "updated_at"])
    if case.status == CaseStatus.NEW:
        _move(case, CaseStatus.OPEN, by)
    if wait_for_customer:
        _move(case, CaseStatus.WAITING_ON_CUSTOMER, by)
    token = status_token_issue(case)
    message = _email(case, body, token)
    transaction.on_commit(lambda: message.send())
    from clearloop.cases.publishing import case_published

    case_published(case, "case.updated")
    return event


@transaction.atomic
def email_reply_thread(*, item: FeedbackItem) -> Case | None:
    """Move an inbound email that answers a case into it. None when it answers no case."""
    if item.source != FeedbackSource.EMAIL:
        return None
    case = case_for_subject(item.organization_id, str((item.metadata or {}).get("subject", "")))
    if case is None:
        return None
    case = _locked(case)
    message_id = str((item.metadata or {}).get("message_id", ""))
    if CaseEvent.objects.filter(
        case=case, kind=CaseEventKind.MESSAGE_IN, metadata__feedback_item=item.pk
    ).exists():
        return case
    _event(
        case,
        CaseEventKind.MESSAGE_IN,
        None,
        body=item.text[:MAX_BODY],
        from_value=str((item.metadata or {}).get("from", ""))[:200],
        metadata={"feedback_item": item.pk, "message_id": message_id},
    )
    if case.status in (CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.RESOLVED):
        _move(case, CaseStatus.OPEN, None, body=_("The customer replied."))
    if case.owner is not None:
        notify.notify(case, case.owner, Notification.Kind.CUSTOMER_REPLY)
    from clearloop.cases.publishing import case_published

    case_published(case, "case.updated")
    return case
