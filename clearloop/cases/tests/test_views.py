"""The queue, the case page, its actions, settings and the API: what each role sees and
does; another organization's cases are 404 everywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clearloop.accounts.models import Team
from clearloop.cases import services
from clearloop.cases.models import Case, CaseRule, CaseStatus
from clearloop.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

POSTS = [
    ("web:case_take", {}),
    ("web:case_assign", {"owner": ""}),
    ("web:case_status_change", {"status": "open"}),
    ("web:case_priority", {"priority": "high"}),
    ("web:case_details", {"subject": "x"}),
    ("web:case_reply", {"body": "hi"}),
    ("web:case_note", {"body": "hi"}),
    ("web:case_hand_off", {"team": "1", "note": "x"}),
    ("web:case_resolve", {"root_cause": "other", "corrective_action": "x"}),
    ("web:case_goodwill", {"offer": "1"}),
]


@pytest.fixture
def case(acme, policy, customer, bob):
    opened, _ = services.case_open(
        organization=acme, subject="Late parcel", by=bob.membership, customer=customer
    )
    return opened


def test_queue_lists_open_cases_sorted_by_sla_due(alice, case, acme, django_assert_max_num_queries):
    later, _ = services.case_open(
        organization=acme,
        subject="Later one",
        by=alice.membership,
        customer=CustomerFactory(organization=acme),
        priority="low",
    )
    client = alice.client()
    with django_assert_max_num_queries(20):
        page = client.get(reverse("web:cases"))
    assert page.status_code == 200
    listed = [c.pk for c in page.context["page"]]
    assert listed == [case.pk, later.pk]
    mine = client.get(reverse("web:cases") + "?view=unassigned")
    assert mine.status_code == 200


def test_case_page_shows_history_and_timeline(alice, case):
    page = alice.client().get(reverse("web:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert b"Late parcel" in page.content and b"timeline" in page.content


def test_the_customer_timeline_shows_cases(alice, case, customer):
    page = alice.client().get(reverse("web:customer_detail", args=[customer.pk]))
    assert case.reference.encode() in page.content


def test_charlie_gets_404_on_every_acme_case_page_and_action(charlie, case):
    client = charlie.client()
    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 404
    for name, data in POSTS:
        assert client.post(reverse(name, args=[case.pk]), data).status_code == 404, name
    assert client.get(reverse("web:cases")).context["page"].paginator.count == 0
    bulk = client.post(reverse("web:cases_bulk"), {"case": [case.pk], "action": "take"})
    assert bulk.status_code == 302
    case.refresh_from_db()
    assert case.owner is None or case.owner.email != "charlie@globex.test"
    assert client.get(reverse("web:case_new") + f"?customer={case.customer_id}").status_code == 404


def test_resolving_without_root_cause_is_a_400_with_a_message(bob, case):
    page = bob.client().post(
        reverse("web:case_resolve", args=[case.pk]), {"root_cause": "", "corrective_action": ""}
    )
    assert page.status_code == 400
    assert b"root cause" in page.content.lower()


def test_agent_takes_replies_and_resolves(bob, case, acme):
    client = bob.client()
    assert client.post(reverse("web:case_take", args=[case.pk])).status_code == 302
    assert (
        client.post(
            reverse("web:case_reply", args=[case.pk]), {"body": "On it", "wait": ["on", "off"]}
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.owner == bob.user and case.status == CaseStatus.WAITING_ON_CUSTOMER
    done = client.post(
        reverse("web:case_resolve", args=[case.pk]),
        {"root_cause": "delivery", "corrective_action": "Resent"},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED


def test_agents_see_their_teams_cases_only(acme, bob, case, alice):
    other_team = Team.objects.create(organization=acme, name="VIP desk")
    hidden, _ = services.case_open(
        organization=acme,
        subject="VIP only",
        by=alice.membership,
        team=other_team,
        customer=CustomerFactory(organization=acme),
    )
    client = bob.client()
    assert client.get(reverse("web:case_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 200
    assert alice.client().get(reverse("web:case_detail", args=[hidden.pk])).status_code == 200


def test_viewers_read_but_cannot_work_cases(acme, case):
    from django.test import Client

    from clearloop.accounts.roles import Role
    from clearloop.accounts.tests.factories import MembershipFactory

    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer.user)
    assert client.get(reverse("web:cases")).status_code == 200
    assert client.post(reverse("web:case_take", args=[case.pk])).status_code == 403


def test_manual_case_from_a_feedback_item(bob, acme, policy):
    from clearloop.feedback.tests.factories import FeedbackItemFactory

    item = FeedbackItemFactory(
        organization=acme, text="Never again", customer=CustomerFactory(organization=acme)
    )
    client = bob.client()
    assert client.get(reverse("web:case_new") + f"?feedback={item.pk}").status_code == 200
    created = client.post(
        reverse("web:case_new"), {"feedback": item.pk, "subject": "Unhappy reviewer"}
    )
    assert created.status_code == 302
    assert Case.objects.get().feedback_item == item


def test_settings_add_a_rule_and_agents_may_not(alice, bob, acme):
    client = alice.client()
    page = client.post(
        reverse("web:case_settings"), {"form": "rule", "name": "Detractors", "nps_at_most": "6"}
    )
    assert page.status_code == 302
    assert CaseRule.objects.get().conditions == [{"kind": "nps_at_most", "value": 6}]
    empty = client.post(reverse("web:case_settings"), {"form": "rule", "name": "Nothing"})
    assert empty.status_code == 400
    assert bob.client().get(reverse("web:case_settings")).status_code == 403


def test_api_lists_updates_and_shows_events(alice, case, charlie, client):
    token = alice.api_token()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/v1/cases/?status=new", **auth)
    assert listed.status_code == 200 and [c["id"] for c in listed.json()["results"]] == [case.pk]
    changed = client.patch(
        f"/api/v1/cases/{case.pk}/",
        {"priority": "urgent", "owner": "alice@acme.test"},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["priority"] == "urgent"
    bad = client.patch(
        f"/api/v1/cases/{case.pk}/", {"status": "resolved"}, content_type="application/json", **auth
    )
    assert bad.status_code == 400
    events = client.get(f"/api/v1/cases/{case.pk}/events/", **auth)
    assert [e["kind"] for e in events.json()][:1] == ["opened"]
    other = {"HTTP_AUTHORIZATION": f"Bearer {charlie.api_token()}"}
    assert client.get(f"/api/v1/cases/{case.pk}/", **other).status_code == 404
    assert (
        client.patch(
            f"/api/v1/cases/{case.pk}/",
            {"priority": "low"},
            content_type="application/json",
            **other,
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/cases/{case.pk}/events/", **other).status_code == 404
    assert client.get("/api/v1/cases/", **other).json()["results"] == []
    assert client.get("/api/v1/cases/?status=nonsense", **auth).status_code == 400


def test_settings_set_up_business_hours_a_policy_and_a_team(alice, acme, team):
    from clearloop.cases.models import BusinessHours, SlaPolicy, TeamSetup

    client = alice.client()
    url = reverse("web:case_settings")
    page = client.post(
        url,
        {
            "form": "hours",
            "name": "Tokyo office",
            "time_zone": "Asia/Tokyo",
            "weekday": ["0", "1", "2", "3", "4"],
            "opens": "09:00",
            "closes": "18:00",
            "holidays": "2026-12-31\n2027-01-01",
        },
    )
    assert page.status_code == 302
    hours = BusinessHours.objects.get(name="Tokyo office")
    assert hours.week["0"] == [["09:00", "18:00"]] and hours.holidays == [
        "2026-12-31",
        "2027-01-01",
    ]
    bad = client.post(
        url,
        {
            "form": "hours",
            "name": "Bad",
            "time_zone": "Asia/Tokyo",
            "weekday": ["0"],
            "opens": "18:00",
            "closes": "09:00",
            "holidays": "31/12",
        },
    )
    assert bad.status_code == 400
    targets = {f"first_{p}": "2" for p in ("low", "normal", "high", "urgent")}
    targets |= {f"resolve_{p}": "24" for p in ("low", "normal", "high", "urgent")}
    assert (
        client.post(
            url, {"form": "policy", "name": "Japan", "business_hours": hours.pk, **targets}
        ).status_code
        == 302
    )
    policy = SlaPolicy.objects.get(name="Japan")
    assert policy.targets.get(priority="urgent").resolution_minutes == 24 * 60
    saved = client.post(
        url,
        {
            "form": "team_setup",
            "team": team.pk,
            "assignment": "least_load",
            "sla_policy": policy.pk,
        },
    )
    assert saved.status_code == 302
    assert TeamSetup.objects.get(team=team).sla_policy == policy
    assert client.get(url).status_code == 200


def test_settings_refuse_another_organizations_rows(charlie, team):
    client = charlie.client()
    page = client.post(
        reverse("web:case_settings"),
        {"form": "team_setup", "team": team.pk, "assignment": "manual"},
    )
    assert page.status_code == 404
