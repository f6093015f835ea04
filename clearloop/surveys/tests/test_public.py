# ruff: noqa: RUF001  (Japanese questions end with a full-width question mark, on purpose)
"""The public survey link: pages, resume, branching, spam and forgery defences, JSON submit."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from clearloop.feedback.models import FeedbackItem
from clearloop.surveys.models import Answer, Response, SurveyStatus
from clearloop.surveys.public.views import COOKIE_NAME
from clearloop.surveys.responding import sign_hidden_fields
from clearloop.surveys.tests.conftest import THANK_YOU, build_survey

pytestmark = pytest.mark.django_db


def _page_url(distribution, **query):
    url = reverse("survey_public:page", args=[distribution.public_token])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _hidden_input(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def _open(client, distribution, **query):
    page = client.get(_page_url(distribution, **query))
    assert page.status_code == 200
    html = page.content.decode()
    return html, _hidden_input(html, "submission_id")


def _post(client, distribution, submission_id, page, language="en", **fields):
    data = {"submission_id": submission_id, "page": page, "language": language, **fields}
    return client.post(_page_url(distribution), data)


def test_page_one_renders_in_the_language_asked_for(distribution):
    html, _ = _open(Client(), distribution, lang="ja")
    assert '<html lang="ja">' in html
    assert "友人や同僚に当社を勧める可能性はどのくらいありますか？" in html
    assert html.count('type="radio" name="q-nps"') == 11
    assert "<fieldset" in html and "<legend>" in html
    assert "What went wrong?" not in html and "何が問題でしたか" not in html  # page 2


def test_the_browser_language_is_used_when_the_survey_has_it(distribution):
    page = Client().get(_page_url(distribution), HTTP_ACCEPT_LANGUAGE="ja-JP,ja;q=0.9,en;q=0.5")
    assert "友人や同僚" in page.content.decode()
    page = Client().get(_page_url(distribution), HTTP_ACCEPT_LANGUAGE="de-DE,fr;q=0.9")
    assert "How likely are you to recommend us" in page.content.decode()


def test_nps_shows_its_end_labels_and_the_language_switcher(distribution):
    html, _ = _open(Client(), distribution)
    assert "Not at all likely" in html and "Extremely likely" in html
    assert 'hreflang="ja"' in html and "日本語" in html


def test_detractor_answers_two_pages_in_japanese_and_gets_the_thank_you(distribution):
    client = Client()
    _, submission_id = _open(client, distribution, lang="ja")
    first = _post(client, distribution, submission_id, 1, "ja", **{"q-nps": "4"})
    assert first.status_code == 302 and "page=2" in first["Location"]
    cookie = first.cookies[COOKIE_NAME]
    assert cookie.value == submission_id
    assert cookie["path"] == _page_url(distribution)
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    second = client.get(first["Location"]).content.decode()
    assert "何が問題でしたか？" in second and "良かった点は？" not in second
    done = _post(
        client,
        distribution,
        submission_id,
        2,
        "ja",
        **{
            "q-detractor_reason": "late",
            "q-ratings-speed": "2",
            "q-comment": "遅い",
            "q-contact": "1",
        },
    )
    assert done.status_code == 302
    thanks = client.get(done["Location"]).content.decode()
    assert THANK_YOU["ja"] in thanks
    response = Response.objects.get()
    assert response.is_complete and response.language == "ja"
    assert Answer.objects.filter(response=response).count() == 5
    assert FeedbackItem.objects.get().text == "遅い"


def test_promoter_gets_the_promoter_follow_up(distribution):
    client = Client()
    _, submission_id = _open(client, distribution)
    first = _post(client, distribution, submission_id, 1, **{"q-nps": "10"})
    html = client.get(first["Location"]).content.decode()
    assert "What did you like?" in html and "What went wrong?" not in html


def test_a_partial_response_resumes_at_the_first_unanswered_page(distribution):
    client = Client()
    _, submission_id = _open(client, distribution)
    _post(client, distribution, submission_id, 1, **{"q-nps": "8"})
    html, resumed_id = _open(client, distribution)  # the link opened again, later
    assert resumed_id == submission_id
    assert _hidden_input(html, "page") == "2"
    assert "Anything else you want to tell us?" in html


def test_a_completed_response_cannot_be_changed_from_the_form(distribution):
    client = Client()
    _, submission_id = _open(client, distribution)
    _post(client, distribution, submission_id, 1, **{"q-nps": "9"})
    _post(client, distribution, submission_id, 2, **{"q-promoter_reason": "fast"})
    again = _post(client, distribution, submission_id, 1, **{"q-nps": "0"})
    assert again.status_code == 302 and "thanks" in again["Location"]
    assert Answer.objects.get(question__key="nps").number == 9
    reopened = client.get(_page_url(distribution))
    assert reopened.status_code == 302 and "thanks" in reopened["Location"]


def test_errors_show_next_to_the_question_in_the_respondents_language(distribution):
    client = Client()
    _, submission_id = _open(client, distribution, lang="ja")
    page = _post(client, distribution, submission_id, 1, "ja")
    html = page.content.decode()
    assert page.status_code == 400
    with translation.override("ja"):
        message = gettext("This question needs an answer.")
    assert f'<p class="error" id="error-nps">{message}</p>' in html
    assert 'aria-describedby="hint-nps error-nps"' in html
    assert not Answer.objects.exists()


def test_hidden_fields_from_a_signed_link_are_stored(distribution):
    client = Client()
    signed = sign_hidden_fields(distribution, {"order": "A-17", "agent": "kim"})
    html, submission_id = _open(client, distribution, h=signed)
    _post(client, distribution, submission_id, 1, **{"q-nps": "9", "h": _hidden_input(html, "h")})
    assert Response.objects.get().hidden_fields == {"order": "A-17", "agent": "kim"}


def test_tampered_hidden_fields_are_refused(distribution):
    client = Client()
    signed = sign_hidden_fields(distribution, {"order": "A-17"})
    forged = sign_hidden_fields(build_survey(distribution.organization), {"order": "B-99"})
    assert client.get(_page_url(distribution, h=forged)).status_code == 400
    assert client.get(_page_url(distribution, h=signed[:-3] + "abc")).status_code == 400
    posted = _post(client, distribution, str(uuid.uuid4()), 1, **{"q-nps": "9", "h": forged})
    assert posted.status_code == 400
    assert not Response.objects.exists()


@pytest.mark.parametrize("case", ["unknown", "inactive", "closed", "draft"])
def test_unavailable_links_all_get_the_same_404(distribution, case):
    client = Client()
    reference = client.get(reverse("survey_public:page", args=["no-such-token"]))
    if case == "inactive":
        distribution.active = False
        distribution.save()
    elif case == "closed":
        distribution.survey.status = SurveyStatus.CLOSED
        distribution.survey.save()
    elif case == "draft":
        distribution.survey.versions.update(published_at=None)
    token = "no-such-token" if case == "unknown" else distribution.public_token
    page = client.get(reverse("survey_public:page", args=[token]))
    assert page.status_code == 404 == reference.status_code
    assert page.content == reference.content
    submit = client.post(
        reverse("survey_public:submit", args=[token]), "{}", content_type="application/json"
    )
    assert submit.status_code == 404


def test_a_filled_honeypot_pretends_success_and_stores_nothing(distribution):
    client = Client()
    _, submission_id = _open(client, distribution)
    page = _post(client, distribution, submission_id, 1, **{"q-nps": "9", "website": "spam"})
    assert page.status_code == 302 and "thanks" in page["Location"]
    assert not Response.objects.exists()


def test_posts_are_rate_limited_per_address_in_the_respondents_language(distribution, settings):
    settings.CLEARLOOP_SURVEY_POSTS_PER_MINUTE = 3
    client = Client()
    _, submission_id = _open(client, distribution)
    for _attempt in range(3):
        assert (
            _post(client, distribution, submission_id, 1, "ja", **{"q-nps": "9"}).status_code == 302
        )
    limited = _post(client, distribution, submission_id, 1, "ja", **{"q-nps": "9"})
    assert limited.status_code == 429
    assert '<html lang="ja">' in limited.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _post(other, distribution, str(uuid.uuid4()), 1, **{"q-nps": "9"}).status_code == 302


def test_guessing_tokens_is_rate_limited(distribution, settings):
    settings.CLEARLOOP_SURVEY_MISSES_PER_MINUTE = 5
    client = Client()
    for attempt in range(5):
        assert (
            client.get(reverse("survey_public:page", args=[f"guess{attempt}"])).status_code == 404
        )
    assert client.get(_page_url(distribution)).status_code == 429


# --- JSON submit -----------------------------------------------------------------------------


def _submit(client, distribution, body):
    return client.post(
        reverse("survey_public:submit", args=[distribution.public_token]),
        json.dumps(body),
        content_type="application/json",
    )


def test_json_submit_is_idempotent_under_retries(distribution):
    client = Client(enforce_csrf_checks=True)
    body = {
        "submission_id": str(uuid.uuid4()),
        "language": "ja",
        "answers": {"nps": 10, "promoter_reason": ["fast"], "comment": "最高"},
        "hidden": sign_hidden_fields(distribution, {"order": "A-1"}),
    }
    first = _submit(client, distribution, body)
    second = _submit(client, distribution, body)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
    assert first.json()["response_id"] == second.json()["response_id"]
    assert Response.objects.count() == 1 and Answer.objects.count() == 3
    assert FeedbackItem.objects.count() == 1
    response = Response.objects.get()
    assert response.language == "ja" and response.hidden_fields == {"order": "A-1"}
    assert response.is_complete


def test_json_submit_in_a_language_the_survey_lacks_is_stored_in_its_default(distribution):
    answers = {"nps": 10, "promoter_reason": ["fast"]}
    body = {"submission_id": str(uuid.uuid4()), "language": "zh-hans", "answers": answers}
    assert _submit(Client(), distribution, body).status_code == 201
    assert Response.objects.get().language == distribution.survey.default_language


def test_json_submit_explains_what_is_wrong(distribution):
    bad = _submit(
        Client(),
        distribution,
        {"submission_id": str(uuid.uuid4()), "language": "ja", "answers": {"nps": 12}},
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    with translation.override("ja"):
        expected = gettext("Choose a number from %(low)d to %(high)d.") % {"low": 0, "high": 10}
    assert bad.json()["errors"] == {"nps": expected}
    assert _submit(Client(), distribution, {"answers": {}}).json()["errors"] == {
        "submission_id": "Not a UUID."
    }
    not_json = Client().post(
        reverse("survey_public:submit", args=[distribution.public_token]),
        "{nope",
        content_type="application/json",
    )
    assert not_json.status_code == 400
    forged = _submit(
        Client(),
        distribution,
        {"submission_id": str(uuid.uuid4()), "answers": {"nps": 9}, "hidden": "x.y.z"},
    )
    assert forged.status_code == 400
    assert not Response.objects.exists()


def test_json_submit_is_rate_limited(distribution, settings):
    settings.CLEARLOOP_SURVEY_POSTS_PER_MINUTE = 2
    body = {"submission_id": str(uuid.uuid4()), "answers": {"nps": 9, "promoter_reason": ["fast"]}}
    codes = [_submit(Client(), distribution, body).status_code for _attempt in range(3)]
    assert codes == [201, 200, 429]


def test_json_submit_uses_few_queries(distribution, django_assert_max_num_queries):
    client = Client()
    body = {
        "submission_id": str(uuid.uuid4()),
        "answers": {
            "nps": 3,
            "detractor_reason": "late",
            "ratings": {"speed": 2, "care": 4},
            "comment": "Late",
        },
    }
    _submit(client, distribution, {**body, "submission_id": str(uuid.uuid4())})  # warm up
    # distribution, questions, (savepoint), response, answers, feedback item, (release)
    with django_assert_max_num_queries(7):
        assert _submit(client, distribution, body).status_code == 201
    # distribution, questions, (savepoint), failed insert, (rollback, release), the stored one
    with django_assert_max_num_queries(7):
        assert _submit(client, distribution, body).json()["duplicate"] is True
