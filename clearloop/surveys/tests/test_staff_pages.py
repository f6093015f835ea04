"""The survey results, response list, single response and export pages."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clearloop.surveys.models import Response
from clearloop.surveys.tests.results_data import respond, results_version

pytestmark = pytest.mark.django_db

NEW_URLS = [
    "web:survey_results",
    "web:survey_responses",
    "web:survey_export_csv",
    "web:survey_export_xlsx",
]


@pytest.fixture
def version(acme):
    version = results_version(acme, name="Acme NPS")
    for score in [10] * 20 + [8] * 10 + [2] * 10:
        respond(version, {"nps": score, "csat": 5, "comment": f"score {score}"})
    respond(version, {"nps": 0, "comment": '=HYPERLINK("http://evil","x")'})
    return version


def _url(name, survey, **kwargs):
    return reverse(name, kwargs={"pk": survey.pk, **kwargs})


def test_surveys_list_links_each_survey_to_its_results(alice, version):
    html = alice.client().get(reverse("web:surveys")).content.decode()

    assert f'href="{_url("web:survey_results", version.survey)}"' in html


def test_results_show_each_metric_with_its_interval_and_n(alice, version):
    response = alice.client().get(_url("web:survey_results", version.survey))
    html = response.content.decode()

    assert response.status_code == 200
    # 20 promoters, 10 passives, 11 detractors: NPS 100·9/41 = 21.95,
    # SE = 100·sqrt((31/41 - (9/41)²)/41) = 13.14 → 21.95 ± 25.75 = -3.80 to 47.71
    assert re.search(r"NPS</span>\s*<span class=\"estimate-value\">22</span>", html)
    assert "(95% CI -4 to 48), n = 41" in html
    assert "Fewer than 30 answers" in html  # csat has 40 answers, ces none
    assert "bar bar-w-20 bar-some bar-good" in html
    assert " style=" not in html  # the CSP forbids inline styles


def test_results_filters_come_from_the_query_string(alice, version):
    url = _url("web:survey_results", version.survey)
    response = alice.client().get(url, {"nps_group": "detractor"})

    assert response.context["summary"]["completed"] == 11
    bad = alice.client().get(url, {"hidden": "no equals sign", "date_from": "yesterday"})
    assert bad.status_code == 200
    assert bad.context["form"].errors.keys() == {"hidden", "date_from"}
    assert bad.context["summary"]["completed"] == 41


def test_response_list_filters_and_paginates(alice, version):
    url = _url("web:survey_responses", version.survey)
    client = alice.client()

    first = client.get(url)
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 41
    assert "Page 1 of 1" not in first.content.decode()
    filtered = client.get(url, {"nps_group": "passive"})
    assert filtered.context["page"].paginator.count == 10
    assert "score 8" in filtered.content.decode()


def test_response_list_paginates_by_50(alice, version):
    for _ in range(10):
        respond(version, {"nps": 9})

    response = alice.client().get(_url("web:survey_responses", version.survey), {"page": 2})

    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 1


def test_single_response_shows_answers_in_the_viewers_language(alice, version):
    alice.user.language = "ja"
    alice.user.save(update_fields=["language"])
    target = respond(version, {"nps": 7, "ces": 6, "attributes": {"speed": 4}})

    response = alice.client().get(
        _url("web:survey_response", version.survey, response_pk=target.pk)
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "勧めますか" in html
    assert "The company made it easy." in html  # no Japanese text: the survey default
    assert "速さ" in html


def test_response_of_another_survey_is_not_found_under_this_one(alice, version):
    other = results_version(alice.organization, name="Other")
    stranger = respond(other, {"nps": 1})

    response = alice.client().get(
        _url("web:survey_response", version.survey, response_pk=stranger.pk)
    )

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", NEW_URLS)
def test_another_organizations_survey_is_not_found(charlie, version, url_name):
    assert charlie.client().get(_url(url_name, version.survey)).status_code == 404


def test_another_organizations_response_is_not_found(charlie, version):
    target = Response.objects.filter(survey=version.survey).first()
    own = results_version(charlie.organization, name="Globex")

    for survey in (version.survey, own.survey):
        url = _url("web:survey_response", survey, response_pk=target.pk)
        assert charlie.client().get(url).status_code == 404


def test_csv_export_is_an_attachment_with_neutralized_formulas(alice, version):
    response = alice.client().get(_url("web:survey_export_csv", version.survey))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == 42
    assert '\'=HYPERLINK("http://evil","x")' in [row[rows[0].index("comment")] for row in rows]


def test_xlsx_export_respects_filters(alice, version):
    response = alice.client().get(
        _url("web:survey_export_xlsx", version.survey), {"nps_group": "detractor"}
    )

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 12  # the header and 11 detractors


@pytest.mark.parametrize("url_name", ["web:survey_export_csv", "web:survey_export_xlsx"])
def test_an_agent_may_not_export(bob, version, url_name):
    assert bob.client().get(_url(url_name, version.survey)).status_code == 403


def test_an_agent_sees_results_without_export_links(bob, version):
    html = bob.client().get(_url("web:survey_results", version.survey)).content.decode()

    assert "export.csv" not in html


def test_results_show_the_response_rate_of_delivered_invitations(alice, version):
    """DESIGN.md: response rate = completed responses / delivered invitations. 40 delivered
    (a failed and a queued one do not count), 10 answered: 25%, Wilson 95% CI 14% to 40%."""
    from datetime import timedelta

    from django.utils import timezone

    from clearloop.customers.tests.factories import CustomerFactory
    from clearloop.surveys.models import Distribution, InvitationStatus, SurveyInvitation

    url = _url("web:survey_results", version.survey)
    assert 'data-testid="response-rate"' not in alice.client().get(url).content.decode()
    email = Distribution.objects.create(
        organization=alice.organization, survey=version.survey, kind="email", public_token="e1"
    )
    now = timezone.now()
    answered = list(Response.objects.filter(survey=version.survey)[:10])
    statuses = [InvitationStatus.ANSWERED] * 10 + [InvitationStatus.SENT] * 30
    for number, status in enumerate([*statuses, InvitationStatus.FAILED, InvitationStatus.QUEUED]):
        SurveyInvitation.objects.create(
            response=answered[number] if status == InvitationStatus.ANSWERED else None,
            organization=alice.organization,
            distribution=email,
            customer=CustomerFactory(organization=alice.organization),
            email=f"c{number}@example.com",
            language="en",
            token_hash=f"{number:064d}",
            status=status,
            sent_at=None if status == InvitationStatus.QUEUED else now,
            expires_at=now + timedelta(days=14),
        )
    html = alice.client().get(url).content.decode()
    assert 'data-testid="response-rate"' in html
    assert "25%" in html
    assert "of 40 delivered invitations" in html
    assert re.search(r"95% CI 14%? to 40%", html)
