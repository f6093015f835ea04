# ruff: noqa: RUF001 -- Chinese and Japanese text uses full-width punctuation
"""Inbound email: raw RFC 822 messages in English, Chinese (GB2312) and Japanese
(ISO-2022-JP) become correct text, once per Message-ID, for the mailbox's organization."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest
from django.urls import reverse

from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback.models import FeedbackItem
from clearloop.intake.services import intake_email_rotate, mailbox_address

pytestmark = pytest.mark.django_db


def _raw(
    *,
    subject: str,
    body: str,
    charset: str = "utf-8",
    sender: str = "Ann Lee <ann@example.com>",
    message_id: str = "<m1@example.com>",
    html: str = "",
    attachment: bool = False,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "feedback@inbound.clearloop.test"
    message["Message-ID"] = message_id
    message["Date"] = "Mon, 06 Sep 2021 16:45:00 +0800"
    message.set_content(body, charset=charset)
    if html:
        message.add_alternative(html, subtype="html")
    if attachment:
        message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    # The subject as a mail client in that language writes it: an encoded word in its charset.
    encoded = base64.b64encode(subject.encode(charset)).decode()
    encoded_subject = f"=?{charset.upper()}?B?{encoded}?="
    return f"Subject: {encoded_subject}\n".encode() + message.as_bytes()


@pytest.fixture
def mailbox(alice) -> str:
    return intake_email_rotate(organization=alice.organization, by=alice.membership)


def _post(client, token: str, raw: bytes, content_type: str = "message/rfc822"):
    url = reverse("api:intake_email", args=[token])
    return client.post(url, data=raw, content_type=content_type)


def test_an_english_message_becomes_an_email_item_linked_to_the_customer(client, alice, mailbox):
    customer = CustomerFactory(organization=alice.organization, email="Ann@Example.com")
    raw = _raw(
        subject="Kettle broke",
        body="It stopped after a week.\n\nOn Mon, 6 Sep 2021 Support wrote:\n> How can we help?",
        attachment=True,
    )

    response = _post(client, mailbox, raw)

    assert response.status_code == 200, response.content
    assert response.json() == {"created": True, "message_id": "m1@example.com"}
    item = FeedbackItem.objects.get()
    assert item.organization == alice.organization
    assert (item.source, item.external_id) == ("email", "m1@example.com")
    assert item.text == "Kettle broke\n\nIt stopped after a week."
    assert item.customer == customer
    assert item.occurred_at.isoformat() == "2021-09-06T08:45:00+00:00"
    assert item.metadata["attachments"] == 1
    assert item.metadata["from"] == "ann@example.com"


def test_a_chinese_gb2312_message_comes_out_as_correct_text(client, mailbox):
    raw = _raw(
        subject="配送太慢了",
        body="快递三天才到，包装破损。\n\n在 2021年9月5日，客服 写道：\n> 您好",
        charset="gb2312",
        sender="李华 <li@example.cn>",
    )
    assert b"=?gb2312?b?" in raw.lower()

    assert _post(client, mailbox, raw).status_code == 200

    item = FeedbackItem.objects.get()
    assert item.text == "配送太慢了\n\n快递三天才到，包装破损。"
    assert item.metadata["from_name"] == "李华"


def test_a_japanese_iso_2022_jp_message_comes_out_as_correct_text(client, mailbox):
    raw = _raw(
        subject="返品について",
        body="商品が壊れていました。交換をお願いします。",
        charset="iso-2022-jp",
        sender="佐藤 <sato@example.jp>",
        message_id="<j1@example.jp>",
    )
    assert b"=?iso-2022-jp?b?" in raw.lower()
    assert "商品".encode() not in raw  # really 7-bit ISO-2022-JP on the wire

    assert _post(client, mailbox, raw).status_code == 200

    assert (
        FeedbackItem.objects.get().text
        == "返品について\n\n商品が壊れていました。交換をお願いします。"
    )


def test_an_html_only_message_is_turned_into_text(client, mailbox):
    message = EmailMessage()
    message["From"], message["Subject"], message["Message-ID"] = "a@b.c", "Hi", "<h1@x>"
    message.set_content("<p>Love the <b>app</b></p><script>x()</script>", subtype="html")

    assert _post(client, mailbox, message.as_bytes()).status_code == 200

    assert FeedbackItem.objects.get().text == "Hi\n\nLove the app"


def test_the_same_message_posted_twice_is_stored_once(client, mailbox):
    raw = _raw(subject="Twice", body="Retry from the relay")

    first, second = _post(client, mailbox, raw), _post(client, mailbox, raw)

    assert (first.json()["created"], second.json()["created"]) == (True, False)
    assert FeedbackItem.objects.count() == 1


def test_an_unknown_sender_is_stored_without_a_customer(client, mailbox):
    assert _post(client, mailbox, _raw(subject="Hello", body="Who am I")).status_code == 200
    assert FeedbackItem.objects.get().customer is None


def test_an_unknown_token_is_404_problem_and_writes_nothing(client, mailbox):
    response = _post(client, "0" * 48, _raw(subject="x", body="y"))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert not FeedbackItem.objects.exists()


def test_another_organizations_mailbox_writes_into_that_organization_only(
    client, alice, charlie, mailbox
):
    globex_token = intake_email_rotate(organization=charlie.organization, by=charlie.membership)

    _post(client, globex_token, _raw(subject="For Globex", body="Hello Globex"))

    assert FeedbackItem.objects.for_organization(alice.organization).count() == 0
    assert FeedbackItem.objects.for_organization(charlie.organization).count() == 1


def test_a_rotated_mailbox_token_stops_working(client, alice, mailbox):
    intake_email_rotate(organization=alice.organization, by=alice.membership)

    assert _post(client, mailbox, _raw(subject="x", body="y")).status_code == 404


def test_wrong_content_type_empty_and_oversize_bodies_are_refused(client, settings, mailbox):
    settings.CLEARLOOP_INTAKE_MAX_BYTES = 1000
    raw = _raw(subject="x", body="y")

    assert _post(client, mailbox, raw, content_type="application/json").status_code == 415
    assert _post(client, mailbox, b"").status_code == 400
    assert _post(client, mailbox, raw + b"z" * 1000).status_code == 413
    assert _post(client, mailbox, b"X-Nothing: here\n\n").status_code == 400
    assert not FeedbackItem.objects.exists()


def test_requests_per_token_are_rate_limited(client, settings, mailbox):
    settings.CLEARLOOP_INTAKE_REQUESTS_PER_MINUTE = 2
    for number in range(2):
        raw = _raw(subject="x", body="y", message_id=f"<{number}@x>")
        assert _post(client, mailbox, raw).status_code == 200

    assert _post(client, mailbox, _raw(subject="x", body="y")).status_code == 429


def test_guessing_tokens_is_rate_limited_per_address(client, settings, mailbox):
    settings.CLEARLOOP_INTAKE_MISSES_PER_MINUTE = 3
    for _attempt in range(3):
        assert _post(client, "f" * 48, b"x").status_code == 404

    assert _post(client, mailbox, _raw(subject="x", body="y")).status_code == 429


def test_the_mailbox_address_carries_the_token_in_lower_case(mailbox):
    assert mailbox == mailbox.lower()
    assert mailbox_address(mailbox) == f"feedback+{mailbox}@inbound.clearloop.test"
