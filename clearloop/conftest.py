"""Shared test fixtures, including the tenancy personas used across the suite.

alice (owner) and bob (agent) belong to Acme; charlie (owner) belongs to Globex.
A test that shows charlie cannot reach Acme's data proves tenancy for that endpoint.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from clearloop.accounts.models import Membership, Organization, User
from clearloop.accounts.roles import Role
from clearloop.accounts.services import api_token_create
from clearloop.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)


@dataclass
class Persona:
    user: User
    membership: Membership

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client

    def api_token(self, role: str | None = None) -> str:
        _token, secret = api_token_create(
            organization=self.organization,
            name=f"{self.user.email} test token",
            role=role or self.membership.role,
            by=self.membership,
        )
        return secret


def _persona(email: str, name: str, organization: Organization, role: str) -> Persona:
    user = UserFactory(email=email, full_name=name)
    return Persona(user, MembershipFactory(organization=organization, user=user, role=role))


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = True


@pytest.fixture
def acme(db: None) -> Organization:
    return OrganizationFactory(name="Acme Support", slug="acme")


@pytest.fixture
def globex(db: None) -> Organization:
    return OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def alice(acme: Organization) -> Persona:
    return _persona("alice@acme.test", "Alice Ang", acme, Role.OWNER)


@pytest.fixture
def bob(acme: Organization) -> Persona:
    return _persona("bob@acme.test", "Bob Brown", acme, Role.AGENT)


@pytest.fixture
def charlie(globex: Organization) -> Persona:
    return _persona("charlie@globex.test", "Charlie Chen", globex, Role.OWNER)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run (Playwright allows one sync instance)."""
    from clearloop.core.testing import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    # Playwright's sync API runs an event loop; Django refuses sync ORM calls inside one.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    context.close()


__all__ = ["PASSWORD", "Persona"]


@dataclass
class SmtpSink:
    """A real SMTP server on loopback that keeps what it receives."""

    host: str
    port: int
    messages: list[Any]

    def bodies_to(self, address: str) -> list[str]:
        found = []
        for message in self.messages:
            if address in message["To"]:
                part = (
                    message.get_body(preferencelist=("plain",))
                    if message.is_multipart()
                    else message
                )
                found.append(part.get_content())
        return found


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpSink]:
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        yield SmtpSink("127.0.0.1", port, received)
    finally:
        controller.stop()
