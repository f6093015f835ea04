import re

import pytest
from django.test import Client
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, email: str, password: str):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_sign_in_with_email_lands_on_dashboard(alice):
    client = Client()
    response = _sign_in(client, "ALICE@acme.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_wrong_password_is_refused_with_a_message(alice):
    response = _sign_in(Client(), alice.user.email, "wrong-password")
    assert response.status_code == 200
    assert "correct email" in response.content.decode()


def test_repeated_failures_lock_the_account_from_that_address(alice):
    client = Client()
    for _ in range(5):
        _sign_in(client, alice.user.email, "wrong-password")
    response = _sign_in(client, alice.user.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_sign_out_needs_post_and_ends_the_session(alice):
    client = alice.client()
    assert client.post(reverse("accounts:logout")).status_code == 302
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_pages_need_sign_in():
    response = Client().get(reverse("web:customers"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_password_reset_mail_goes_through_smtp_and_the_link_sets_a_new_password(alice, smtp_server):
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": alice.user.email})
    assert response.status_code == 302
    [body] = smtp_server.bodies_to(alice.user.email)
    link = re.search(r"http://\S+/accounts/password-reset/\S+/\S+/", body).group(0)
    path = link.split("testserver", 1)[-1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "a-much-better-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert _sign_in(Client(), alice.user.email, new_password).status_code == 302


def test_password_reset_does_not_reveal_whether_an_email_exists(alice, smtp_server):
    known = Client().post(reverse("accounts:password_reset"), {"email": alice.user.email})
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "nobody@acme.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert smtp_server.bodies_to("nobody@acme.test") == []


def test_sign_in_page_tells_how_to_enter_the_demo_outside_production(settings):
    from clearloop.accounts.tests.factories import UserFactory

    UserFactory(email="owner@demo.clearloop.test")
    settings.PRODUCTION = False
    assert "owner@demo.clearloop.test" in Client().get(reverse("accounts:login")).content.decode()
    settings.PRODUCTION = True
    html = Client().get(reverse("accounts:login")).content.decode()
    assert "owner@demo.clearloop.test" not in html
    assert settings.CLEARLOOP_DEMO_PASSWORD not in html
