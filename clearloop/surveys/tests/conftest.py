# ruff: noqa: RUF001  (Japanese questions end with a full-width question mark, on purpose)
"""Survey fixtures: a live two-page NPS survey in English and Japanese, with branching,
behind a public link; and the public link that serves it."""

from __future__ import annotations

import secrets

import pytest
from django.core.cache import cache

from clearloop.surveys.models import Distribution, QuestionKind, ResponseChannel
from clearloop.surveys.tests.factories import QuestionFactory, SurveyVersionFactory

THANK_YOU = {"en": "Thanks for helping us improve.", "ja": "ご協力ありがとうございました。"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def build_survey(organization, *, active: bool = True) -> Distribution:
    version = SurveyVersionFactory(
        organization=organization,
        survey__organization=organization,
        survey__name="Delivery survey",
        survey__languages=["en", "ja"],
        thank_you=THANK_YOU,
    )
    question = QuestionFactory
    question(
        version=version,
        key="nps",
        page=1,
        position=1,
        texts={
            "en": "How likely are you to recommend us to a friend?",
            "ja": "友人や同僚に当社を勧める可能性はどのくらいありますか？",
        },
    )
    question(
        version=version,
        key="detractor_reason",
        kind=QuestionKind.SINGLE_CHOICE,
        page=2,
        position=2,
        show_if={"question": "nps", "min": 0, "max": 6},
        texts={"en": "What went wrong?", "ja": "何が問題でしたか？"},
        options={
            "choices": [
                {"key": "late", "texts": {"en": "It arrived late", "ja": "配達が遅れた"}},
                {"key": "damaged", "texts": {"en": "It was damaged", "ja": "破損していた"}},
            ]
        },
    )
    question(
        version=version,
        key="promoter_reason",
        kind=QuestionKind.MULTIPLE_CHOICE,
        page=2,
        position=3,
        show_if={"question": "nps", "min": 9, "max": 10},
        texts={"en": "What did you like?", "ja": "良かった点は？"},
        options={
            "choices": [
                {"key": "fast", "texts": {"en": "Fast delivery", "ja": "配達が速い"}},
                {"key": "friendly", "texts": {"en": "Friendly staff", "ja": "親切なスタッフ"}},
            ]
        },
    )
    question(
        version=version,
        key="ratings",
        kind=QuestionKind.MATRIX,
        page=2,
        position=4,
        required=False,
        texts={"en": "Rate each part of the delivery", "ja": "配達の各項目を評価してください"},
        options={
            "rows": [
                {"key": "speed", "texts": {"en": "Speed", "ja": "速さ"}},
                {"key": "care", "texts": {"en": "Care", "ja": "丁寧さ"}},
            ],
            "scale": {"min": 1, "max": 5},
        },
    )
    question(
        version=version,
        key="comment",
        kind=QuestionKind.TEXT,
        page=2,
        position=5,
        required=False,
        texts={
            "en": "Anything else you want to tell us?",
            "ja": "その他ご意見があればお聞かせください",
        },
    )
    question(
        version=version,
        key="contact",
        kind=QuestionKind.CONTACT_PERMISSION,
        page=2,
        position=6,
        required=False,
        texts={"en": "May we contact you?", "ja": "ご連絡してもよろしいですか？"},
    )
    return Distribution.objects.create(
        organization=organization,
        survey=version.survey,
        kind=ResponseChannel.LINK,
        name="Website link",
        public_token=secrets.token_urlsafe(32),
        active=active,
    )


@pytest.fixture
def distribution(acme) -> Distribution:
    return build_survey(acme)
