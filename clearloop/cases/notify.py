"""Notifications to case owners and mentioned teammates: an in-app row now, an email after
commit (in the person's language)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clearloop.accounts.models import User
from clearloop.cases.models import Case, Notification


def _subject(kind: str, case: Case) -> str:
    templates = {
        Notification.Kind.ASSIGNED: _("Case %(ref)s is yours: %(subject)s"),
        Notification.Kind.CUSTOMER_REPLY: _("The customer replied on %(ref)s: %(subject)s"),
        Notification.Kind.SLA_WARNING: _("Case %(ref)s is close to its SLA due time: %(subject)s"),
        Notification.Kind.MENTION: _("You were mentioned on %(ref)s: %(subject)s"),
        Notification.Kind.ESCALATED: _(
            "Case %(ref)s breached its SLA and was escalated: %(subject)s"
        ),
    }
    return templates[Notification.Kind(kind)] % {"ref": case.reference, "subject": case.subject}


def _send(user_id: int, case_id: int, kind: str) -> None:
    user = User.objects.filter(pk=user_id).first()
    case = Case.objects.filter(pk=case_id).first()
    if user is None or case is None:
        return
    link = settings.SITE_URL + reverse("web:case_detail", args=[case.pk])
    with translation.override(user.language or "en"):
        send_mail(_subject(kind, case), f"{_subject(kind, case)}\n\n{link}\n", None, [user.email])


_quiet = threading.local()


@contextlib.contextmanager
def emails_held() -> Iterator[None]:
    """In-app notifications only, no emails (the demo seeds hundreds of assignments)."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


def notify(case: Case, user: User, kind: str) -> Notification:
    note = Notification.objects.create(
        organization_id=case.organization_id, user=user, case=case, kind=kind
    )
    if not getattr(_quiet, "on", False):
        transaction.on_commit(lambda: _send(user.pk, case.pk, kind))
    return note
