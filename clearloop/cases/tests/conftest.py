"""Case fixtures: Acme's support team (bob works it, round robin), an SLA policy of 4
working hours to respond and 24 to resolve at normal priority on 09:00-17:00 UTC weekdays,
a detractor rule (NPS <= 6), a live NPS survey behind a link, and a follow-up survey."""

from __future__ import annotations

import secrets
import uuid

import pytest
from django.core.cache import cache

from clearloop.accounts.models import Team
from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory, UserFactory
from clearloop.cases import services
from clearloop.cases.models import (
    BusinessHours,
    CasePriority,
    CaseRule,
    SlaPolicy,
    SlaTarget,
    TeamSetup,
)
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.models import Distribution, QuestionKind, ResponseChannel
from clearloop.surveys.responding import response_submit
from clearloop.surveys.tests.factories import QuestionFactory, SurveyVersionFactory

WEEKDAYS = {str(day): [["09:00", "17:00"]] for day in range(5)}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team(acme, bob) -> Team:
    team = Team.objects.create(organization=acme, name="Support")
    team.members.add(bob.user)
    return team


@pytest.fixture
def dana(acme, team):
    user = UserFactory(email="dana@acme.test", full_name="Dana Diaz")
    MembershipFactory(organization=acme, user=user, role=Role.AGENT)
    team.members.add(user)
    return user


@pytest.fixture
def policy(acme, team) -> SlaPolicy:
    hours = BusinessHours.objects.create(
        organization=acme, name="Office", time_zone="UTC", week=WEEKDAYS
    )
    policy = SlaPolicy.objects.create(
        organization=acme, name="Standard", business_hours=hours, warn_before_minutes=60
    )
    for priority, first, resolve in [
        (CasePriority.LOW, 8 * 60, 40 * 60),
        (CasePriority.NORMAL, 4 * 60, 24 * 60),
        (CasePriority.HIGH, 2 * 60, 16 * 60),
        (CasePriority.URGENT, 60, 8 * 60),
    ]:
        SlaTarget.objects.create(
            organization=acme,
            policy=policy,
            priority=priority,
            first_response_minutes=first,
            resolution_minutes=resolve,
        )
    TeamSetup.objects.create(organization=acme, team=team, sla_policy=policy)
    settings_row = services.settings_for(acme.pk)
    settings_row.default_team = team
    settings_row.save()
    return policy


@pytest.fixture
def detractor_rule(acme, policy) -> CaseRule:
    return services.rule_create(
        organization=acme,
        by=None,
        name="Detractors",
        conditions=[{"kind": "nps_at_most", "value": 6}],
        topic="detractor",
    )


def nps_survey(organization, *, kind=ResponseChannel.LINK, name="Delivery survey") -> Distribution:
    version = SurveyVersionFactory(
        organization=organization, survey__organization=organization, survey__name=name
    )
    QuestionFactory(version=version, key="nps", kind=QuestionKind.NPS, position=1, page=1)
    QuestionFactory(
        version=version,
        key="comment",
        kind=QuestionKind.TEXT,
        position=2,
        page=1,
        required=False,
        texts={"en": "Anything else?"},
    )
    return Distribution.objects.create(
        organization=organization,
        survey=version.survey,
        kind=kind,
        name=name,
        public_token=secrets.token_urlsafe(32),
        contact_frequency_days=0,
    )


@pytest.fixture
def link(acme) -> Distribution:
    return nps_survey(acme)


@pytest.fixture
def customer(acme):
    return CustomerFactory(
        organization=acme, name="Mia Wong", email="mia@example.com", segment="Consumer"
    )


def submit(distribution, *, nps: int, comment: str = "", customer=None, hidden=None):
    response, _stored = response_submit(
        distribution=distribution,
        submission_id=uuid.uuid4(),
        language="en",
        hidden_fields=hidden or {},
        answers={"nps": nps, **({"comment": comment} if comment else {})},
    )
    if customer is not None:
        type(response).objects.filter(pk=response.pk).update(customer=customer)
        response.refresh_from_db()
    return response
