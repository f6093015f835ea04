"""Fixtures of the report tests: the analytics test organization with its answers, and
members of Acme with each role that matters here."""

from __future__ import annotations

import pytest

from clearloop.accounts.models import Organization
from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory, UserFactory
from clearloop.analytics import rollups
from clearloop.analytics.tests.data import World, build_world, populate
from clearloop.conftest import Persona

ALL_TIME = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def member(organization: Organization, email: str, role: str, language: str = "") -> Persona:
    user = UserFactory(email=email, full_name=email.split("@")[0].title(), language=language)
    return Persona(user, MembershipFactory(organization=organization, user=user, role=role))


@pytest.fixture
def world(alice: Persona) -> World:
    built = build_world(alice.organization)
    populate(built)
    rollups.rollups_rebuild(organization=built.organization)
    return built


@pytest.fixture
def viewer(acme: Organization) -> Persona:
    return member(acme, "vera@acme.test", Role.VIEWER)


@pytest.fixture
def analyst(acme: Organization) -> Persona:
    return member(acme, "ann@acme.test", Role.ANALYST)
