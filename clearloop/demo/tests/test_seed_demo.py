"""`manage.py seed_demo` against the database: the organization, its logins, and data
that holds together."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db.models import F, Q
from django.test import Client

from clearloop.accounts.models import Membership, Organization, Team, User
from clearloop.customers.models import Customer, Interaction, Order
from clearloop.demo.reference import ORGANIZATION_NAME, PEOPLE
from clearloop.demo.services import demo_organization
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.surveys.models import Answer, QuestionKind, Response

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
KANA = re.compile(r"[\u3040-\u30ff]")


# The data leads up to "today"; one fixed today keeps any failure reproducible.
TODAY = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


def _seed(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(TODAY, tick=True):
        call_command("seed_demo", "--customers=40", "--responses=200", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> Organization:
    _seed()
    organization = demo_organization()
    assert organization is not None
    return organization


def test_seed_demo_creates_the_organization_and_prints_the_logins() -> None:
    output = _seed()

    organization = Organization.objects.get()
    assert organization.name == ORGANIZATION_NAME
    assert Customer.objects.for_organization(organization).count() == 40
    assert Response.objects.for_organization(organization).count() == 200
    assert django_settings.CLEARLOOP_DEMO_PASSWORD in output
    for person in PEOPLE:
        assert person.email in output


def test_every_demo_person_can_sign_in_with_their_role(demo: Organization, settings) -> None:
    # Axes wants the HTTP request to count failures; a test client login has none.
    settings.AXES_ENABLED = False
    for person in PEOPLE:
        client = Client()
        assert client.login(email=person.email, password=settings.CLEARLOOP_DEMO_PASSWORD)
        assert (
            Membership.objects.get(organization=demo, user__email=person.email).role == person.role
        )
    assert set(User.objects.exclude(language="").values_list("language", flat=True)) == {
        "en",
        "zh-hans",
        "ja",
    }


def test_agents_work_in_teams(demo: Organization) -> None:
    teams = Team.objects.for_organization(demo)

    assert teams.count() == 4
    assert {user.email.split("@")[0] for user in teams.get(name="APAC desk").members.all()} == {
        "agent.li",
        "agent.wang",
        "agent.sato",
        "agent.tanaka",
    }
    handled = Interaction.objects.for_organization(demo).exclude(agent=None)
    assert not handled.exclude(agent__teams=F("team")).exists()


def test_comments_exist_in_english_chinese_and_japanese(demo: Organization) -> None:
    comments = FeedbackItem.objects.for_organization(demo).filter(
        source=FeedbackSource.SURVEY_COMMENT
    )
    texts = {
        language: list(comments.filter(language=language).values_list("text", flat=True))
        for language in ("en", "zh-hans", "ja")
    }

    assert all(texts.values()), {language: len(t) for language, t in texts.items()}
    assert all(not HAN.search(text) and not KANA.search(text) for text in texts["en"])
    assert all(HAN.search(text) and not KANA.search(text) for text in texts["zh-hans"])
    assert all(KANA.search(text) for text in texts["ja"])


def test_every_comment_is_a_feedback_item_of_its_response(demo: Organization) -> None:
    comment_answers = Answer.objects.for_organization(demo).filter(question__key="comment")
    items = FeedbackItem.objects.for_organization(demo).filter(source=FeedbackSource.SURVEY_COMMENT)

    assert comment_answers.count() == items.count() > 0
    for item in items.select_related("response"):
        assert item.response is not None
        assert item.response.answers.get(question__key="comment").text == item.text
        assert item.customer_id == item.response.customer_id
    other_sources = set(
        FeedbackItem.objects.for_organization(demo).values_list("source", flat=True)
    )
    assert {"review", "social", "email", "chat", "call_note", "interview"} <= other_sources


def test_answers_belong_to_their_response_version_and_stay_on_scale(demo: Organization) -> None:
    answers = Answer.objects.for_organization(demo).select_related("question")

    assert not answers.exclude(question__version=F("response__version")).exists()
    assert not Response.objects.exclude(version__survey=F("survey")).exists()
    assert not Response.objects.filter(started_at__lt=F("version__published_at")).exists()
    assert Response.objects.filter(version__number=2).exists()
    for answer in answers:
        question = answer.question
        if question.scale is not None:
            low, high = question.scale
            assert answer.number is not None and low <= answer.number <= high, answer
        if question.kind == QuestionKind.MATRIX:
            assert answer.row in question.row_keys
        if question.choice_keys:
            assert answer.choices and set(answer.choices) <= set(question.choice_keys)
    nps = answers.filter(question__kind=QuestionKind.NPS).values_list("number", flat=True)
    assert set(nps) <= set(range(11)) and len(set(nps)) > 5


def test_every_row_belongs_to_the_organization_of_what_it_points_at(demo: Organization) -> None:
    assert not Order.objects.exclude(organization=F("customer__organization")).exists()
    assert not Interaction.objects.exclude(organization=F("customer__organization")).exists()
    assert not Response.objects.exclude(organization=F("survey__organization")).exists()
    assert not Answer.objects.exclude(organization=F("response__organization")).exists()
    assert (
        not FeedbackItem.objects.filter(customer__isnull=False)
        .exclude(organization=F("customer__organization"))
        .exists()
    )
    assert not Response.objects.filter(
        Q(completed_at__lt=F("started_at")) | Q(language="")
    ).exists()


def test_if_empty_does_nothing_on_a_second_run(demo: Organization) -> None:
    before = Response.objects.count()

    output = _seed("--if-empty")

    assert "exists already" in output
    assert Organization.objects.count() == 1
    assert Response.objects.count() == before


def test_seeding_again_is_refused_unless_reset(demo: Organization) -> None:
    with pytest.raises(CommandError, match="--reset"):
        _seed()

    _seed("--reset")

    assert Organization.objects.count() == 1
    assert demo_organization() != demo
    assert Customer.objects.count() == 40
    assert User.objects.filter(email__endswith="@demo.clearloop.test").count() == len(PEOPLE)


@pytest.mark.parametrize(
    "model",
    [
        "customers/customer",
        "customers/order",
        "customers/interaction",
        "surveys/survey",
        "surveys/surveyversion",
        "surveys/question",
        "surveys/response",
        "surveys/answer",
        "feedback/feedbackitem",
    ],
)
def test_admin_lists_the_demo_rows(demo: Organization, model: str) -> None:
    admin = User.objects.create_superuser("root@example.com", "correct-horse-battery")
    client = Client()
    client.force_login(admin)

    app_label, model_name = model.split("/")
    first = apps.get_model(app_label, model_name)._default_manager.order_by("pk").first()
    assert first is not None

    assert client.get(f"/admin/{model}/").status_code == 200
    assert client.get(f"/admin/{model}/{first.pk}/change/").status_code == 200


def test_every_live_demo_survey_can_be_answered_through_its_public_link(
    demo: Organization,
) -> None:
    from django.test import Client
    from django.urls import reverse

    from clearloop.surveys.models import Distribution, Survey, SurveyStatus

    live = Survey.objects.for_organization(demo).filter(status=SurveyStatus.LIVE)
    assert live.exists()
    for survey in live:
        link = Distribution.objects.get(survey=survey, kind="link", active=True)
        for language in survey.languages:
            url = reverse("survey_public:page", args=[link.public_token]) + f"?lang={language}"
            response = Client().get(url)
            assert response.status_code == 200, (survey.name, language)
            assert 'name="submission_id"' in response.content.decode()
