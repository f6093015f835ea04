# ruff: noqa: RUF001  (Japanese questions end with a full-width question mark, on purpose)
"""The personal invitation link ``/i/<token>/``: answering once, the neutral closed page,
binding to one survey and organization, resume, language, opt-out without login, and the
guessing limit."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.models import (
    ContactOptOut,
    InvitationStatus,
    OptOutSource,
    Response,
    ResponseChannel,
    SurveyInvitation,
)
from clearloop.surveys.tests.factories import ResponseFactory
from clearloop.surveys.tests.test_inviting import (
    email_distribution,
    invite,
    link_path,
    opt_out_path,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(alice, smtp_server, django_capture_on_commit_callbacks):
    """A Japanese-speaking Acme customer invited to the delivery survey; (invitation, path)."""
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization, language="ja")
    [invitation] = invite(
        alice,
        distribution,
        [customer],
        django_capture_on_commit_callbacks,
        hidden_fields={"order": "A-1001"},
    ).invitations
    [body] = smtp_server.bodies_to(customer.email)
    return invitation, link_path(body), body


def _closed_page(client: Client, path: str) -> tuple[int, str]:
    page = client.get(path)
    return page.status_code, page.content.decode()


def test_the_invited_customer_answers_in_their_language_once(invited):
    invitation, path, _body = invited
    client = Client()
    page = client.get(path).content.decode()
    assert '<html lang="ja">' in page and "友人や同僚に当社を勧める" in page
    assert f'action="{path}"' in page
    first = client.post(path, {"page": 1, "language": "ja", "q-nps": "3"})
    assert first.status_code == 302 and first["Location"] == f"{path}?page=2&lang=ja"
    assert "何が問題でしたか？" in client.get(first["Location"]).content.decode()
    done = client.post(path, {"page": 2, "language": "ja", "q-detractor_reason": "late"})
    assert done.status_code == 302 and done["Location"] == f"{path}thanks/?lang=ja"
    assert "ご協力ありがとうございました。" in client.get(done["Location"]).content.decode()
    response = Response.objects.get()
    assert response.is_complete and response.customer_id == invitation.customer_id
    assert response.channel == ResponseChannel.EMAIL and response.language == "ja"
    assert response.hidden_fields == {"order": "A-1001"}
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED and invitation.response == response
    # Single use: the link now shows the neutral closed page, to anyone.
    status, html = _closed_page(Client(), path)
    assert status == 404 and "If you have already answered, thank you" in html
    # A double click on the last page lands on the thank-you page, storing nothing twice.
    again = client.post(path, {"page": 2, "language": "ja", "q-detractor_reason": "late"})
    assert again.status_code == 302 and again["Location"].endswith("/thanks/")
    assert Response.objects.count() == 1


def test_unknown_expired_answered_and_opted_out_links_look_the_same(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization, contact_frequency_days=0)
    answered, expired, opted_out = CustomerFactory.create_batch(3, organization=alice.organization)
    invite(alice, distribution, [answered, opted_out], django_capture_on_commit_callbacks)
    invite(alice, distribution, [expired], django_capture_on_commit_callbacks)
    paths = {
        customer.pk: link_path(smtp_server.bodies_to(customer.email)[0])
        for customer in (answered, expired, opted_out)
    }
    client = Client()
    client.post(paths[answered.pk], {"page": 1, "language": "en", "q-nps": "8"})
    client.post(paths[answered.pk], {"page": 2, "language": "en"})
    SurveyInvitation.objects.filter(customer=expired).update(expires_at="2000-01-01T00:00Z")
    body = smtp_server.bodies_to(opted_out.email)[0]
    assert Client().post(opt_out_path(body)).status_code == 200
    pages = [_closed_page(Client(), path) for path in paths.values()]
    pages.append(_closed_page(Client(), "/i/" + "x" * 43 + "/"))
    assert len(set(pages)) == 1 and pages[0][0] == 404


def test_an_invitation_token_opens_only_its_own_survey(
    alice, charlie, invited, smtp_server, django_capture_on_commit_callbacks
):
    invitation, path, _body = invited
    token = path.split("/")[2]
    # Not a public link, and a public link's token is not an invitation.
    assert Client().get(reverse("survey_public:page", args=[token])).status_code == 404
    public_token = invitation.distribution.public_token
    assert Client().get(f"/i/{public_token}/").status_code == 404
    # Globex's invitation opens Globex's survey, bound to Globex's customer.
    globex_distribution = email_distribution(charlie.organization)
    globex_distribution.survey.name = "Globex check-in"
    globex_distribution.survey.save()
    theirs = CustomerFactory.create(organization=charlie.organization)
    invite(charlie, globex_distribution, [theirs], django_capture_on_commit_callbacks)
    globex_path = link_path(smtp_server.bodies_to(theirs.email)[0])
    client = Client()
    assert "Globex check-in" in client.get(globex_path).content.decode()
    client.post(globex_path, {"page": 1, "language": "en", "q-nps": "9"})
    response = Response.objects.get()
    assert response.organization_id == charlie.organization.pk
    assert response.survey_id == globex_distribution.survey_id
    assert response.customer_id == theirs.pk


def test_a_posted_submission_id_cannot_take_over_another_response(alice, invited):
    invitation, path, _body = invited
    other = ResponseFactory(
        version=invitation.distribution.survey.versions.get(),
        submission_id=uuid.uuid4(),
        completed_at=None,
    )
    client = Client()
    client.post(
        path, {"page": 1, "language": "en", "q-nps": "2", "submission_id": other.submission_id}
    )
    invitation.refresh_from_db()
    assert invitation.response is not None and invitation.response.pk != other.pk
    assert not other.answers.exists()


def test_the_link_resumes_where_the_customer_left_off_and_the_language_can_change(invited):
    _invitation, path, _body = invited
    Client().post(path, {"page": 1, "language": "ja", "q-nps": "10"})
    page = Client().get(path).content.decode()  # another device: no cookie needed
    assert "良かった点は？" in page
    english = Client().get(path + "?lang=en").content.decode()
    assert "What did you like?" in english
    assert Response.objects.count() == 1


def test_the_opt_out_link_works_without_signing_in(
    alice, invited, django_capture_on_commit_callbacks
):
    invitation, path, body = invited
    opt_out = opt_out_path(body)
    confirm = Client().get(opt_out)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert '<form method="post">' in html and "Acme Support" in html
    assert not ContactOptOut.objects.exists()  # a GET (a link scanner) changes nothing
    done = Client(enforce_csrf_checks=True).post(opt_out, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    opt_out_row = ContactOptOut.objects.get()
    assert opt_out_row.email == invitation.email.lower()
    assert opt_out_row.source == OptOutSource.ONE_CLICK
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.OPTED_OUT
    assert Client().get(path).status_code == 404
    later = invite(
        alice,
        email_distribution(alice.organization, contact_frequency_days=0),
        [invitation.customer],
        django_capture_on_commit_callbacks,
    )
    assert later.invitations == []
    assert Client().get("/i/1:forged:code/opt-out/").status_code == 404


def test_guessing_tokens_is_rate_limited_per_address(invited, settings):
    settings.CLEARLOOP_SURVEY_MISSES_PER_MINUTE = 3
    _invitation, path, _body = invited
    client = Client()
    for attempt in range(3):
        assert client.get(f"/i/guess-{attempt}/").status_code == 404
    assert client.get(path).status_code == 429  # even the right token waits a minute
    assert Client(REMOTE_ADDR="10.0.0.9").get(path).status_code == 200


# --- Opened tracking -------------------------------------------------------------------


def _opened_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "opened_at" in q["sql"]]


def test_the_first_open_is_recorded_once_and_later_opens_write_nothing(invited):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invitation, path, _body = invited
    client = Client()
    with CaptureQueriesContext(connection) as first:
        assert client.get(path).status_code == 200
    assert len(_opened_updates(first.captured_queries)) == 1
    invitation.refresh_from_db()
    opened_at = invitation.opened_at
    assert opened_at is not None
    with CaptureQueriesContext(connection) as again:
        assert client.get(path).status_code == 200
    assert _opened_updates(again.captured_queries) == []
    invitation.refresh_from_db()
    assert invitation.opened_at == opened_at


def test_a_head_request_or_a_closed_link_records_no_open(invited):
    invitation, path, _body = invited
    assert Client().head(path).status_code == 200
    invitation.refresh_from_db()
    assert invitation.opened_at is None
    SurveyInvitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.EXPIRED)
    assert Client().get(path).status_code == 404
    invitation.refresh_from_db()
    assert invitation.opened_at is None
