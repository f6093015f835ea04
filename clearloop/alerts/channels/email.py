"""Email to the rule's recipients."""

from __future__ import annotations

import smtplib

from django.core.mail import send_mail

from clearloop.alerts.channels.base import DeliveryFailed, Message
from clearloop.alerts.models import Alert


class EmailChannel:
    kind = "email"

    def deliver(self, alert: Alert, message: Message) -> str:
        recipients = [str(address) for address in alert.rule.email_to or []]
        if not recipients:
            raise DeliveryFailed("The rule names no email recipients.")
        try:
            send_mail(message.subject, f"{message.text}\n\n{message.link}\n", None, recipients)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"The mail server refused it: {error}") from error
        return ", ".join(recipients)
