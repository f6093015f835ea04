"""Customer imports map columns to the organization's custom attributes: typed (text,
number, date, choice), checked as the profile form checks them, errors by row and
column, merged into the stored attributes; the bulk API takes an `attributes` object."""

from __future__ import annotations

import pytest

from clearloop.customers import services as customer_services
from clearloop.customers.models import Customer
from clearloop.imports.services import bulk_upsert, guess_mapping, writer_for
from clearloop.imports.tests.helpers import csv_bytes, mapped, run, uploaded

pytestmark = pytest.mark.django_db

HEADER = ["Id", "Email", "Tier", "Lifetime value", "Member since", "Note"]
COLUMNS = {
    "external_id": "Id",
    "email": "Email",
    "attributes.tier": "Tier",
    "attributes.ltv": "Lifetime value",
    "attributes.since": "Member since",
    "attributes.note": "Note",
}


@pytest.fixture
def attributes(alice):
    for key, label, kind, choices in [
        ("tier", "Tier", "choice", ["gold", "silver"]),
        ("ltv", "Lifetime value", "number", []),
        ("since", "Member since", "date", []),
        ("note", "Note", "text", []),
    ]:
        customer_services.custom_attribute_create(
            organization=alice.organization,
            key=key,
            label=label,
            type=kind,
            choices=choices,
            by=alice.membership,
        )


def _import(alice, rows, *, on_error="stop"):
    job = uploaded(alice.membership, csv_bytes([HEADER, *rows]), kind="customers", filename="c.csv")
    return mapped(job, alice.membership, COLUMNS, on_error=on_error)


def test_attributes_are_fields_of_the_mapping_guessed_by_their_labels(alice, attributes):
    writer = writer_for("customers", alice.organization)
    guessed = guess_mapping(writer, HEADER)["columns"]
    assert guessed == {name: column for name, column in COLUMNS.items() if name != "external_id"}


def test_typed_attributes_are_imported_and_a_reimport_changes_nothing(alice, attributes):
    rows = [
        ["c-1", "a@example.com", "gold", "1200.50", "2021-04-01", "VIP"],
        ["c-2", "b@example.com", "silver", "80", "2023-01-15", ""],
    ]
    job = run(_import(alice, rows), alice.membership)
    assert (job.status, job.rows_created) == ("done", 2)
    first = Customer.objects.get(external_id="c-1")
    assert first.attributes == {"tier": "gold", "ltv": 1200.5, "since": "2021-04-01", "note": "VIP"}
    assert Customer.objects.get(external_id="c-2").attributes == {
        "tier": "silver",
        "ltv": 80,
        "since": "2023-01-15",
    }
    again = run(_import(alice, rows), alice.membership)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)


def test_bad_attribute_values_are_reported_by_row_and_column(alice, attributes):
    rows = [
        ["c-1", "a@example.com", "platinum", "12", "2021-04-01", ""],
        ["c-2", "b@example.com", "gold", "lots", "2021-04-01", ""],
        ["c-3", "c@example.com", "gold", "1", "April 2021", ""],
        ["c-4", "d@example.com", "gold", "1", "2021-04-01", ""],
    ]
    job = _import(alice, rows, on_error="skip")
    problems = [(e["row"], e["column"]) for e in job.errors]
    assert problems == [(2, "attributes.tier"), (3, "attributes.ltv"), (4, "attributes.since")]
    assert "gold, silver" in job.errors[0]["reason"]
    assert "number" in job.errors[1]["reason"] and "YYYY-MM-DD" in job.errors[2]["reason"]
    job = run(job, alice.membership)
    assert list(Customer.objects.values_list("external_id", flat=True)) == ["c-4"]


def test_imported_attributes_merge_into_the_stored_ones(alice, attributes):
    run(_import(alice, [["c-1", "a@example.com", "gold", "10", "", "keep me"]]), alice.membership)
    job = run(_import(alice, [["c-1", "", "silver", "", "", ""]]), alice.membership)
    assert job.rows_updated == 1
    assert Customer.objects.get().attributes == {"tier": "silver", "ltv": 10, "note": "keep me"}


def test_the_bulk_api_takes_an_attributes_object(alice, attributes):
    outcome = bulk_upsert(
        organization=alice.organization,
        kind="customers",
        records=[
            {"external_id": "c-1", "attributes": {"tier": "gold", "ltv": 3}},
            {"external_id": "c-2", "attributes": {"colour": "red"}},
            {"external_id": "c-3", "attributes": {"ltv": "many"}},
        ],
        skip_bad=True,
        by=alice.membership,
    )
    assert outcome.counts.created == 1
    assert [(e.row, e.column) for e in outcome.errors] == [
        (1, "attributes.colour"),
        (2, "attributes.ltv"),
    ]
    assert Customer.objects.get().attributes == {"tier": "gold", "ltv": 3}


def test_another_organizations_attributes_are_not_fields(alice, charlie, attributes):
    writer = writer_for("customers", charlie.organization)
    assert not [spec for spec in writer.specs if spec.name.startswith("attributes.")]
