import pytest
from django.test import Client
from django.urls import reverse

from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback.tests.factories import FeedbackItemFactory
from clearloop.surveys.tests.factories import SurveyFactory
from clearloop.web.tests.conftest import NAVIGATION

pytestmark = pytest.mark.django_db

AREAS = [
    "web:home",
    "web:surveys",
    "web:feedback",
    "web:customers",
    "web:cases",
    "web:analytics",
    "web:goals",
    "web:alerts",
    "web:text",
]


@pytest.mark.parametrize("url_name", AREAS)
def test_every_area_page_renders_for_a_member(alice, url_name):
    response = alice.client().get(reverse(url_name))
    assert response.status_code == 200
    labels = [str(item["label"]) for item in response.context["navigation"]]
    assert labels == NAVIGATION["en"]
    assert [item["active"] for item in response.context["navigation"]].count(True) == 1
    title = response.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and title.endswith(" · Clearloop")


def test_settings_sends_admins_to_members_and_agents_to_preferences(alice, bob):
    assert alice.client().get(reverse("web:settings"))["Location"] == reverse("accounts:members")
    assert bob.client().get(reverse("web:settings"))["Location"] == reverse("accounts:preferences")


def test_lists_show_only_the_current_organization(alice, charlie):
    CustomerFactory(organization=alice.organization, name="Acme Customer")
    CustomerFactory(organization=charlie.organization, name="Globex Customer")
    FeedbackItemFactory(organization=alice.organization, text="Acme says hi")
    FeedbackItemFactory(organization=charlie.organization, text="Globex says hi")
    SurveyFactory(organization=charlie.organization, name="Globex survey")
    client = charlie.client()
    for url_name in ["web:customers", "web:feedback", "web:home", "web:surveys"]:
        html = client.get(reverse(url_name)).content.decode()
        assert "Acme" not in html, url_name
    assert "Globex Customer" in client.get(reverse("web:customers")).content.decode()


def test_customer_search_and_pagination(alice):
    for number in range(60):
        CustomerFactory(organization=alice.organization, name=f"Person {number:02d}")
    CustomerFactory(organization=alice.organization, name="Zhang Wei", email="zw@example.cn")
    client = alice.client()
    first = client.get(reverse("web:customers"))
    assert first.context["page"].paginator.count == 61
    assert len(first.context["page"].object_list) == 50
    found = client.get(reverse("web:customers"), {"q": "zw@"})
    assert [c.name for c in found.context["page"]] == ["Zhang Wei"]


def test_customer_search_answers_htmx_with_the_results_only(alice):
    CustomerFactory(organization=alice.organization, name="Sato Yui")
    response = alice.client().get(reverse("web:customers"), {"q": "sato"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Sato Yui" in html
    assert "<html" not in html and 'id="sidebar"' not in html


def test_dates_follow_the_users_language(alice):
    alice.user.language = "ja"
    alice.user.save()
    html = alice.client().get(reverse("web:home")).content.decode()
    assert "年" in html and "月" in html and "日" in html


def test_feedback_list_is_not_an_n_plus_one(alice, django_assert_max_num_queries):
    for _ in range(20):
        FeedbackItemFactory(organization=alice.organization)
    client = alice.client()
    client.get(reverse("web:feedback"))  # warm the session
    with django_assert_max_num_queries(12):
        client.get(reverse("web:feedback"))


def test_html_pages_carry_a_strict_content_security_policy(alice):
    response = alice.client().get(reverse("web:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_page_is_a_friendly_404(alice):
    response = alice.client().get("/no-such-page/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_health_check_answers_without_sign_in():
    assert Client().get(reverse("web:healthz")).json() == {"status": "ok"}


def test_static_assets_are_served_from_our_origin(alice):
    html = alice.client().get(reverse("web:home")).content.decode()
    assert "/static/vendor/htmx-2.0.11.min.js" in html
    assert "https://" not in html.split("<body")[0]


def test_surveys_page_links_to_the_public_survey(alice):
    from clearloop.surveys.tests.conftest import build_survey

    distribution = build_survey(alice.organization)
    html = alice.client().get(reverse("web:surveys")).content.decode()
    assert reverse("survey_public:page", args=[distribution.public_token]) in html
