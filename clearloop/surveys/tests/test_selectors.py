"""Survey reads: scoped to one organization, with counts made by the database."""

from __future__ import annotations

import pytest

from clearloop.conftest import Persona
from clearloop.surveys.selectors import surveys_list
from clearloop.surveys.tests.factories import ResponseFactory, SurveyFactory, SurveyVersionFactory

pytestmark = pytest.mark.django_db


def test_surveys_are_listed_with_response_counts_in_one_query(
    alice: Persona, django_assert_num_queries
) -> None:
    acme = alice.organization
    busy = SurveyVersionFactory(organization=acme, survey__name="Busy")
    ResponseFactory.create_batch(3, version=busy)
    ResponseFactory.create_batch(2, version=busy, completed_at=None)
    SurveyFactory(organization=acme, name="Quiet")

    with django_assert_num_queries(1):
        counts = {
            s.name: (s.response_count, s.completed_count) for s in surveys_list(organization=acme)
        }

    assert counts == {"Busy": (5, 3), "Quiet": (0, 0)}


def test_counts_do_not_multiply_across_versions(alice: Persona) -> None:
    survey = SurveyFactory(organization=alice.organization)
    for number in (1, 2):
        ResponseFactory(version=SurveyVersionFactory(survey=survey, number=number))

    (listed,) = surveys_list(organization=alice.organization)

    assert (listed.response_count, listed.completed_count) == (2, 2)


def test_charlie_never_sees_acme_surveys(alice: Persona, charlie: Persona) -> None:
    ResponseFactory(version=SurveyVersionFactory(organization=alice.organization))
    own = SurveyFactory(organization=charlie.organization)

    listed = list(surveys_list(organization=charlie.organization))

    assert listed == [own]
    assert listed[0].response_count == 0
