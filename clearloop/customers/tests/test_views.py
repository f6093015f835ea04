"""The customer pages: the list with filters and a saved segment, a customer's page with
its timeline (fixed query count), editing with typed attributes, duplicates and merge,
the export download, erasure behind a confirmation and its audit list, custom attribute
settings and the segment builder; charlie gets 404 everywhere, roles are enforced."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory, UserFactory
from clearloop.conftest import Persona
from clearloop.customers.models import CustomAttribute, Customer, CustomerErasure, Segment
from clearloop.customers.tests.factories import CustomerFactory, OrderFactory
from clearloop.customers.tests.history import PII, full_history, nps_survey, related_counts

pytestmark = pytest.mark.django_db


def member(organization, role) -> Persona:
    user = UserFactory()
    return Persona(user, MembershipFactory(organization=organization, user=user, role=role))


@pytest.fixture
def customer(alice):
    return full_history(alice.organization)


def page_urls(customer, other=None, attribute=None, segment=None) -> list[str]:
    pk = customer.pk
    urls = [
        reverse("web:customer_detail", kwargs={"pk": pk}),
        reverse("web:customer_detail", kwargs={"pk": pk}) + "?tab=orders",
        reverse("web:customer_detail", kwargs={"pk": pk}) + "?tab=interactions",
        reverse("web:customer_timeline", kwargs={"pk": pk}),
        reverse("web:customer_edit", kwargs={"pk": pk}),
        reverse("web:customer_export", kwargs={"pk": pk}),
        reverse("web:customer_erase", kwargs={"pk": pk}),
    ]
    if other is not None:
        urls.append(reverse("web:customer_merge", kwargs={"pk": pk, "other_pk": other.pk}))
    if segment is not None:
        urls.append(reverse("web:segment_edit", kwargs={"pk": segment.pk}))
    return urls


def test_list_links_each_customer_and_filters_by_profile_fields(alice):
    asia = CustomerFactory(organization=alice.organization, name="Aiko", region="Asia")
    CustomerFactory(organization=alice.organization, name="Bert", region="Europe")
    page = alice.client().get(reverse("web:customers"), {"region": "Asia"})
    text = page.content.decode()
    assert page.status_code == 200
    assert reverse("web:customer_detail", kwargs={"pk": asia.pk}) in text
    assert "Bert" not in text.split('id="customer-results"')[1]
    assert "Asia (1)" in text and "Europe (1)" in text  # facet counts


def test_list_filters_by_a_saved_segment(alice):
    CustomerFactory(organization=alice.organization, name="Aiko", segment="Business")
    CustomerFactory(organization=alice.organization, name="Bert", segment="Consumer")
    segment = Segment.objects.create(
        organization=alice.organization,
        name="B2B",
        rules={"match": "all", "rules": [
            {"kind": "profile", "field": "segment", "op": "is", "value": "business"}
        ]},
    )  # fmt: skip
    page = alice.client().get(
        reverse("web:customers"), {"saved": segment.pk}, HTTP_HX_REQUEST="true"
    )
    assert "Aiko" in page.content.decode() and "Bert" not in page.content.decode()
    assert "1 customer" in page.content.decode()


def test_customer_page_shows_profile_nps_group_and_timeline(alice, customer):
    CustomAttribute.objects.create(
        organization=alice.organization, key="tier", label="Loyalty tier", type="text"
    )
    customer.attributes = {"tier": "gold"}
    customer.save()
    page = alice.client().get(reverse("web:customer_detail", kwargs={"pk": customer.pk}))
    text = page.content.decode()
    assert page.status_code == 200
    assert PII["email"] in text and "Loyalty tier" in text and "gold" in text
    assert 'data-testid="nps-group">Detractor' in text
    response = customer.responses.get()
    assert reverse("web:survey_response", args=[response.survey_id, response.pk]) in text
    assert PII["comment"] in text and PII["review"] in text and "Aster sofa" in text
    assert "sentiment" not in text.lower()  # nothing until text analysis lands


def test_customer_page_takes_a_fixed_number_of_queries(
    alice, customer, django_assert_max_num_queries
):
    for n in range(30):
        OrderFactory(customer=customer, external_id=f"bulk-{n}")
    url = reverse("web:customer_detail", kwargs={"pk": customer.pk})
    client = alice.client()
    client.get(url)
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.content.decode().count('class="timeline-entry') == 20
    assert 'data-testid="timeline-more"' in page.content.decode()


def test_show_more_returns_the_next_entries(alice, customer):
    for n in range(25):
        OrderFactory(customer=customer, external_id=f"more-{n}")
    url = reverse("web:customer_timeline", kwargs={"pk": customer.pk})
    more = alice.client().get(url, {"offset": 20}, HTTP_HX_REQUEST="true")
    assert more.content.decode().count('class="timeline-entry') == 11


def test_edit_saves_profile_and_checks_attribute_types(alice, customer):
    CustomAttribute.objects.create(
        organization=alice.organization, key="visits", label="Visits", type="number"
    )
    url = reverse("web:customer_edit", kwargs={"pk": customer.pk})
    form = {"name": "Ingrid Q.", "email": PII["email"], "country": "de", "attr_visits": "many"}
    refused = alice.client().post(url, form)
    assert refused.status_code == 400
    assert "Visits must be a number" in refused.content.decode()
    saved = alice.client().post(url, {**form, "attr_visits": "12"})
    assert saved.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.country, customer.attributes) == (
        "Ingrid Q.",
        "DE",
        {"visits": 12},
    )


def test_edit_refuses_a_taken_external_id_with_a_message(alice, customer):
    CustomerFactory(organization=alice.organization, external_id="TAKEN")
    url = reverse("web:customer_edit", kwargs={"pk": customer.pk})
    page = alice.client().post(url, {"name": "x", "external_id": "TAKEN"})
    assert page.status_code == 400
    assert "A customer with this external id already exists." in page.content.decode()


def test_export_downloads_json_as_an_attachment(alice, customer):
    response = alice.client().get(reverse("web:customer_export", kwargs={"pk": customer.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.content)["customer"]["email"] == PII["email"]


def test_erase_needs_the_typed_confirmation(alice, customer):
    url = reverse("web:customer_erase", kwargs={"pk": customer.pk})
    assert alice.client().post(url, {"confirm": "yes"}).status_code == 400
    assert not CustomerErasure.objects.exists()
    assert alice.client().post(url, {"confirm": str(customer.pk)}).status_code == 302
    customer.refresh_from_db()
    assert customer.erased_at is not None and customer.email == ""
    audit = alice.client().get(reverse("web:customer_erasures")).content.decode()
    assert f"#{customer.pk}" in audit and alice.user.display_name in audit
    assert PII["name"] not in audit


def test_duplicates_page_lists_groups_and_merge_moves_everything(alice):
    survey = nps_survey(alice.organization)
    first = full_history(alice.organization, survey, email="dup@example.org", external_id="K-1")
    second = full_history(alice.organization, survey, email="DUP@example.org", external_id="K-2")
    total = {k: related_counts(first)[k] + related_counts(second)[k] for k in related_counts(first)}
    page = alice.client().get(reverse("web:customer_duplicates")).content.decode()
    merge_url = reverse("web:customer_merge", kwargs={"pk": first.pk, "other_pk": second.pk})
    assert "dup@example.org" in page and merge_url in page
    assert alice.client().get(merge_url).status_code == 200
    assert alice.client().post(merge_url).status_code == 302
    assert related_counts(first) == total
    assert not Customer.objects.filter(pk=second.pk).exists()


def test_duplicates_by_differently_written_ids_and_phone_numbers(alice):
    CustomerFactory(organization=alice.organization, external_id="C-00042", phone="")
    CustomerFactory(organization=alice.organization, external_id="c00042", phone="")
    CustomerFactory(organization=alice.organization, phone="+44 (20) 7946-0958")
    CustomerFactory(organization=alice.organization, phone="44 20 7946 0958")
    page = alice.client().get(reverse("web:customer_duplicates")).content.decode()
    assert "<code>c00042</code>" in page and "<code>442079460958</code>" in page


def test_attributes_page_adds_and_deletes_definitions(alice):
    url = reverse("web:customer_attributes")
    bad = alice.client().post(
        url, {"label": "Plan", "key": "plan", "type": "choice", "choices": ""}
    )
    assert bad.status_code == 400 and "needs at least one choice" in bad.content.decode()
    alice.client().post(
        url, {"label": "Plan", "key": "plan", "type": "choice", "choices": "basic\npro"}
    )
    attribute = CustomAttribute.objects.get(key="plan")
    assert attribute.choices == ["basic", "pro"]
    delete = reverse("web:customer_attribute_delete", kwargs={"pk": attribute.pk})
    assert alice.client().post(delete).status_code == 302
    assert not CustomAttribute.objects.exists()


def test_segment_builder_saves_rules_and_counts_live(alice):
    CustomerFactory(organization=alice.organization, region="Asia")
    CustomerFactory(organization=alice.organization, region="Europe")
    rule = {"r0-kind": "profile", "r0-field": "region", "r0-op": "is", "r0-value": "asia"}
    count = alice.client().post(reverse("web:segment_count"), {"match": "all", **rule})
    assert "<strong>1</strong> customer matches" in count.content.decode()
    broken = alice.client().post(reverse("web:segment_count"), {"r0-kind": "nps", "r0-group": "x"})
    assert "group must be one of" in broken.content.decode()
    row = alice.client().get(reverse("web:segment_rule_row"), {"index": 3, "r3-kind": "spent"})
    assert 'name="r3-amount"' in row.content.decode()
    saved = alice.client().post(
        reverse("web:segment_new"), {"name": "Asia", "match": "all", **rule}
    )
    assert saved.status_code == 302
    segment = Segment.objects.get()
    assert segment.rules["rules"][0]["value"] == "asia"
    listing = alice.client().get(reverse("web:segments")).content.decode()
    assert "Asia" in listing and f"?saved={segment.pk}" in listing


def test_charlie_gets_404_on_every_customer_page(alice, charlie, customer):
    other = CustomerFactory(organization=alice.organization)
    attribute = CustomAttribute.objects.create(
        organization=alice.organization, key="k", label="K", type="text"
    )
    segment = Segment.objects.create(organization=alice.organization, name="S", rules={})
    client = charlie.client()
    for url in page_urls(customer, other, segment=segment):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"confirm": str(customer.pk)}).status_code in (404, 405), url
    for url in [
        reverse("web:customer_attribute_delete", kwargs={"pk": attribute.pk}),
        reverse("web:segment_delete", kwargs={"pk": segment.pk}),
    ]:
        assert client.post(url).status_code == 404, url
    # The organization's own lists do not show Acme's rows.
    listing = client.get(reverse("web:customers")).content.decode()
    assert PII["email"] not in listing
    customer.refresh_from_db()
    assert customer.email == PII["email"] and Customer.objects.filter(pk=other.pk).exists()


def test_viewer_reads_but_cannot_edit_merge_export_or_erase(alice, customer):
    viewer = member(alice.organization, Role.VIEWER).client()
    other = CustomerFactory(organization=alice.organization)
    assert viewer.get(reverse("web:customer_detail", kwargs={"pk": customer.pk})).status_code == 200
    assert viewer.get(reverse("web:customer_duplicates")).status_code == 200
    assert viewer.get(reverse("web:segments")).status_code == 200
    for name in ("customer_edit", "customer_export", "customer_erase"):
        assert viewer.get(reverse(f"web:{name}", kwargs={"pk": customer.pk})).status_code == 403
    merge = reverse("web:customer_merge", kwargs={"pk": customer.pk, "other_pk": other.pk})
    assert viewer.post(merge).status_code == 403
    assert viewer.post(reverse("web:customer_attributes"), {"label": "x"}).status_code == 403
    assert viewer.post(reverse("web:segment_new"), {"name": "x"}).status_code == 403


def test_agent_cannot_edit_and_only_admins_erase(alice, bob, customer):
    edit = reverse("web:customer_edit", kwargs={"pk": customer.pk})
    assert bob.client().post(edit, {"name": "x"}).status_code == 403
    erase = reverse("web:customer_erase", kwargs={"pk": customer.pk})
    manager = member(alice.organization, Role.MANAGER).client()
    assert manager.get(edit).status_code == 200
    assert manager.post(erase, {"confirm": str(customer.pk)}).status_code == 403
    admin = member(alice.organization, Role.ADMIN).client()
    assert admin.post(erase, {"confirm": str(customer.pk)}).status_code == 302
    assert manager.get(reverse("web:customer_erasures")).status_code == 403
    assert admin.get(reverse("web:customer_erasures")).status_code == 200
