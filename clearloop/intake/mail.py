"""Raw RFC 822 messages into plain fields: pure functions, no database.

Any mail relay (Postfix pipe, Mailgun/SES/Postmark "forward raw MIME") can post the bytes it
received. The stdlib `email` package with `policy.default` decodes encoded-word headers
(=?GB2312?B?…?=), transfer encodings and charsets, ISO-2022-JP included; we only choose the
body part, turn HTML into text, trim quoted replies and count (not keep) attachments.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from django.utils.translation import gettext as _

from clearloop.core.errors import ValidationFailed
from clearloop.intake.text import html_to_text, strip_quoted_reply, tidy

MAX_TEXT = 20_000
MAX_EXTERNAL_ID = 200


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    sender_email: str
    sender_name: str
    subject: str
    body: str
    sent_at: datetime | None
    attachment_count: int

    @property
    def text(self) -> str:
        return "\n\n".join(part for part in (self.subject, self.body) if part)[:MAX_TEXT]


def _header(message: EmailMessage, name: str) -> Any:
    try:
        return message[name]
    except (ValueError, IndexError, TypeError):  # a header the parser cannot make sense of
        return None


def _sender(message: EmailMessage) -> tuple[str, str]:
    header = _header(message, "From")
    addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    if not addresses:
        return "", ""
    first = addresses[0]
    return first.addr_spec.strip()[:254], first.display_name.strip()[:200]


def _sent_at(message: EmailMessage) -> datetime | None:
    sent: datetime | None = getattr(_header(message, "Date"), "datetime", None)
    if sent is None or sent.tzinfo is None:  # "-0000" dates are naive: time zone unknown
        return None
    return sent


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):  # unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _part_text(part)  # type: ignore[arg-type]
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return strip_quoted_reply(tidy(text))


def _message_id(message: EmailMessage, raw: bytes) -> str:
    found = str(_header(message, "Message-ID") or "").strip().strip("<>").strip()
    # Without a Message-ID the bytes themselves identify the message, so a retry is still
    # recognised as the same message.
    if not found or len(found) > MAX_EXTERNAL_ID:
        return "sha256:" + hashlib.sha256(found.encode() if found else raw).hexdigest()
    return found


def message_parse(raw: bytes) -> InboundMessage:
    """The fields of one raw message; `ValidationFailed` when it holds no text at all."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    sender_email, sender_name = _sender(message)
    subject = " ".join(str(_header(message, "Subject") or "").split())[:300]
    attachments = sum(1 for part in message.walk() if part.is_attachment())
    parsed = InboundMessage(
        message_id=_message_id(message, raw),
        sender_email=sender_email,
        sender_name=sender_name,
        subject=subject,
        body=_body(message),
        sent_at=_sent_at(message),
        attachment_count=attachments,
    )
    if not parsed.text:
        raise ValidationFailed(
            _("The message has neither a subject nor a text body."), fields={"message": "empty"}
        )
    return parsed
