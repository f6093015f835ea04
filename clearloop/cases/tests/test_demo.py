"""The demo organization has cases in every state, some of them breaching."""

from __future__ import annotations

import pytest

from clearloop.cases.models import Case, CaseStatus
from clearloop.demo.services import demo_seed

pytestmark = pytest.mark.django_db


def test_demo_has_cases_in_every_state_and_some_breaching():
    organization = demo_seed(customers=300, responses=1500)
    cases = Case.objects.for_organization(organization)
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    assert cases.filter(breached_at__isnull=False).exists()
    assert cases.filter(owner__isnull=False).count() == cases.count()
