"""The staff invitation pages of an email distribution: counts and funnel, the filtered
list, inviting by customer filter or CSV file with a preview first, bad rows, escaping,
tenancy (charlie gets 404), roles (a viewer cannot send), and the journey in a browser."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory, UserFactory
from clearloop.customers.models import Customer
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.forms_invitations import sign_contacts
from clearloop.surveys.models import InvitationStatus, SurveyInvitation
from clearloop.surveys.tests.conftest import build_survey
from clearloop.surveys.tests.factories import ResponseFactory
from clearloop.surveys.tests.test_inviting import email_distribution

pytestmark = pytest.mark.django_db

SCRIPT_NAME = "<script>alert('x')</script>"
FORMULA_NAME = '=HYPERLINK("http://evil.test","x")'


@pytest.fixture
def distribution(alice):
    return email_distribution(alice.organization)


def list_url(distribution) -> str:
    return reverse("web:survey_invitations", args=[distribution.survey_id, distribution.pk])


def new_url(distribution) -> str:
    return reverse("web:survey_invitations_new", args=[distribution.survey_id, distribution.pk])


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def invitation(distribution, status, **fields):
    customer = CustomerFactory.create(organization=distribution.organization)
    sent = status != InvitationStatus.QUEUED
    return SurveyInvitation.objects.create(
        organization=distribution.organization,
        distribution=distribution,
        customer=customer,
        email=customer.email,
        language="en",
        token_hash=f"{customer.pk:064d}",
        status=status,
        sent_at=timezone.now() if sent else None,
        expires_at=timezone.now() + timedelta(days=14),
        **fields,
    )


def test_the_page_shows_counts_per_status_and_the_funnel(alice, distribution):
    for _ in range(2):
        invitation(distribution, InvitationStatus.SENT)
    invitation(distribution, InvitationStatus.SENT, opened_at=timezone.now())
    response = ResponseFactory.create(
        organization=alice.organization, version=distribution.survey.versions.get()
    )
    invitation(distribution, InvitationStatus.ANSWERED, response=response)
    invitation(distribution, InvitationStatus.QUEUED)
    page = alice.client().get(list_url(distribution))
    assert page.status_code == 200
    text = page.content.decode()
    funnel = text.split('data-testid="funnel"')[1].split("</section>")[0]
    # sent 4 → opened 2 (one opened, one answered) → answered 1
    assert "4 <span" in funnel and "2 <span" in funnel and "(50%)" in funnel
    assert "1 <span" in funnel and "(25%)" in funnel
    assert "25%" in text.split('data-testid="response-rate"')[1].split("</section>")[0]
    assert "5 invitations" in text


def test_the_list_filters_by_status(alice, distribution):
    kept = invitation(distribution, InvitationStatus.FAILED, error="SMTP 550")
    invitation(distribution, InvitationStatus.SENT)
    text = alice.client().get(list_url(distribution), {"status": "failed"}).content.decode()
    assert "1 invitation" in text and f'data-testid="invitation-{kept.pk}"' in text
    assert "SMTP 550" in text


def test_inviting_by_filter_shows_a_preview_and_sends_only_after_confirming(
    alice, distribution, smtp_server, django_capture_on_commit_callbacks
):
    targets = CustomerFactory.create_batch(2, organization=alice.organization, segment="Business")
    CustomerFactory.create(organization=alice.organization, segment="Consumer")
    CustomerFactory.create(organization=alice.organization, segment="Business", email="")
    client = alice.client()
    preview = client.post(
        new_url(distribution), {"step": "preview", "source": "filter", "segment": "Business"}
    )
    assert preview.status_code == 200
    assert "2 invitations will be sent" in preview.content.decode()
    assert not SurveyInvitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            new_url(distribution), {"step": "send", "source": "filter", "segment": "Business"}
        )
    assert sent.status_code == 302 and sent["Location"] == list_url(distribution)
    invited = set(SurveyInvitation.objects.values_list("customer_id", flat=True))
    assert invited == {customer.pk for customer in targets}
    assert len(smtp_server.messages) == 2


def test_a_csv_with_a_bad_row_is_refused_with_row_numbers_and_nothing_is_written(
    alice, distribution
):
    text = (
        "email,name,order\n"
        "ada@example.com,Ada,A-1\n"
        "not-an-address,Bo,A-2\n"
        "ada@example.com,Ada,A-3\n"
    )
    page = alice.client().post(
        new_url(distribution),
        {"step": "preview", "source": "csv", "file": csv_file(text)},
    )
    assert page.status_code == 400
    errors = page.content.decode().split('data-testid="row-errors"')[1].split("</table>")[0]
    assert '<td class="number">3</td>' in errors and "not-an-address is not an email" in errors
    assert '<td class="number">4</td>' in errors and "appears twice" in errors
    assert 'data-testid="preview"' not in page.content.decode()
    assert not Customer.objects.exists() and not SurveyInvitation.objects.exists()


def test_a_csv_without_an_email_column_is_refused(alice, distribution):
    page = alice.client().post(
        new_url(distribution),
        {"step": "preview", "source": "csv", "file": csv_file("name\nAda\n")},
    )
    assert page.status_code == 400
    assert "one called email" in page.content.decode()


def test_skipping_bad_rows_invites_the_others_with_their_hidden_fields(
    alice, distribution, smtp_server, django_capture_on_commit_callbacks
):
    text = "email,name,language,external_id,order\nada@example.com,Ada,ja,CRM-1,A-1\nbad,Bo,,,A-2\n"
    client = alice.client()
    page = client.post(
        new_url(distribution),
        {"step": "preview", "source": "csv", "file": csv_file(text), "skip_bad_rows": "on"},
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "1 invitation will be sent" in content and '<td class="number">3</td>' in content
    signed = content.split('name="contacts" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_url(distribution), {"step": "send", "contacts": html.unescape(signed)})
    sent = SurveyInvitation.objects.get()
    assert sent.email == "ada@example.com" and sent.language == "ja"
    assert sent.hidden_fields == {"order": "A-1"}
    assert Customer.objects.get().external_id == "CRM-1"
    assert len(smtp_server.messages) == 1


def test_a_signed_list_for_another_distribution_is_refused(alice, distribution):
    other = email_distribution(alice.organization)
    from clearloop.customers.services import CustomerEntry
    from clearloop.surveys.inviting import Contact

    signed = sign_contacts([Contact(customer=CustomerEntry(email="x@example.com"))], other.pk)
    response = alice.client().post(new_url(distribution), {"step": "send", "contacts": signed})
    assert response.status_code == 302
    assert not SurveyInvitation.objects.exists()
    tampered = alice.client().post(
        new_url(distribution), {"step": "send", "contacts": signed[:-2] + "xx"}
    )
    assert tampered.status_code == 302 and not SurveyInvitation.objects.exists()


def test_a_script_or_formula_in_a_name_is_shown_escaped(
    alice, distribution, django_capture_on_commit_callbacks
):
    quoted_formula = FORMULA_NAME.replace('"', '""')
    text = f'email,name\nx@example.com,"{SCRIPT_NAME}"\ny@example.com,"{quoted_formula}"\n'
    client = alice.client()
    preview = client.post(
        new_url(distribution), {"step": "preview", "source": "csv", "file": csv_file(text)}
    ).content.decode()
    signed = preview.split('name="contacts" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_url(distribution), {"step": "send", "contacts": html.unescape(signed)})
    page = client.get(list_url(distribution)).content.decode()
    assert SCRIPT_NAME not in page
    assert html.escape(SCRIPT_NAME) in page
    assert html.escape(FORMULA_NAME) in page  # shown as text, never evaluated
    assert Customer.objects.filter(name=SCRIPT_NAME).exists()


def test_charlie_gets_404_on_every_invitation_page(charlie, distribution):
    client = charlie.client()
    assert client.get(list_url(distribution)).status_code == 404
    assert client.get(new_url(distribution)).status_code == 404
    data = {"step": "send", "source": "filter"}
    assert client.post(new_url(distribution), data).status_code == 404
    assert not SurveyInvitation.objects.exists()


def test_a_link_distribution_has_no_invitation_pages(alice):
    link = build_survey(alice.organization)
    assert alice.client().get(list_url(link)).status_code == 404


def test_a_viewer_sees_the_list_but_cannot_send(alice, distribution, client):
    viewer = UserFactory(email="vera@acme.test")
    MembershipFactory(organization=alice.organization, user=viewer, role=Role.VIEWER)
    CustomerFactory.create(organization=alice.organization)
    client.force_login(viewer)
    page = client.get(list_url(distribution))
    assert page.status_code == 200 and new_url(distribution) not in page.content.decode()
    assert client.get(new_url(distribution)).status_code == 403
    response = client.post(new_url(distribution), {"step": "send", "source": "filter"})
    assert response.status_code == 403
    assert not SurveyInvitation.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_uploads_a_list_previews_and_sends_in_a_browser(
    live_server, page, alice, tmp_path, smtp_server
):
    from playwright.sync_api import expect

    from clearloop.accounts.tests.factories import PASSWORD

    distribution = email_distribution(alice.organization)
    people = tmp_path / "people.csv"
    people.write_text("email,name,order\nada@example.com,Ada Lovelace,A-1\n", encoding="utf-8")
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + new_url(distribution))
    page.get_by_label("People from a CSV file").check()
    page.get_by_label("CSV file", exact=True).set_input_files(str(people))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("preview")).to_contain_text("1 invitation will be sent")
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.get_by_test_id("invitation-count")).to_have_text("1 invitation")
    expect(page.get_by_role("cell", name="Ada Lovelace")).to_be_visible()
    assert SurveyInvitation.objects.get().hidden_fields == {"order": "A-1"}
