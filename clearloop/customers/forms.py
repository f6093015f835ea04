"""Forms of the customer pages: list filters, the profile editor (with a field per custom
attribute), custom attribute definitions, and the segment builder's rule rows.

Forms only parse; services judge. A service's `ValidationFailed` is put back on the form
with `add_service_errors`, so a message is written once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Language, Organization
from clearloop.core.errors import ValidationFailed
from clearloop.customers.models import AttributeType, CustomAttribute, Customer, Segment
from clearloop.customers.selectors import CustomerFilters, segments_list

ATTRIBUTE_PREFIX = "attr_"
RULE_FIELD = re.compile(r"^r(\d{1,3})-(\w+)$")
RULE_INPUTS = (
    "kind", "field", "key", "op", "value", "amount", "months",
    "currency", "product", "channel", "source", "group",
)  # fmt: skip


def add_service_errors(form: forms.BaseForm, error: ValidationFailed) -> None:
    """Show a service's refusal on the fields it names, the rest above the form."""
    placed = False
    for name, message in error.fields.items():
        field = name.replace("attributes.", ATTRIBUTE_PREFIX)
        if field in form.fields:
            # Fields hold a message or, for some refusals, only a code like "invalid".
            form.add_error(field, str(message) if " " in str(message) else error.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    segment = forms.CharField(required=False, label=_("Segment"))
    region = forms.CharField(required=False, label=_("Region"))
    country = forms.CharField(required=False, label=_("Country"))
    language = forms.ChoiceField(
        required=False, label=_("Language"), choices=[("", _("Any")), *Language.choices]
    )
    saved = forms.ModelChoiceField(
        queryset=Segment.objects.none(),
        required=False,
        label=_("Saved segment"),
        empty_label=_("Any"),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["saved"].queryset = segments_list(organization=organization)  # type: ignore[attr-defined]

    def filters(self) -> CustomerFilters:
        if not self.is_valid():
            return CustomerFilters(search=str(self.data.get("q", "")))
        data = self.cleaned_data
        return CustomerFilters(
            search=data["q"],
            segment=data["segment"],
            region=data["region"],
            country=data["country"],
            language=data["language"],
            saved_segment=data["saved"],
        )


class CustomerForm(forms.ModelForm[Customer]):
    """The profile fields, plus one field per custom attribute (`attr_<key>`)."""

    class Meta:
        model = Customer
        fields = [
            "name", "email", "phone", "external_id", "language", "region", "country", "segment",
        ]  # fmt: skip

    def __init__(
        self, *args: Any, attributes: Iterable[CustomAttribute] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.attributes = list(attributes)
        stored = self.instance.attributes or {}
        for attribute in self.attributes:
            name = ATTRIBUTE_PREFIX + attribute.key
            self.fields[name] = _attribute_field(attribute)
            self.initial.setdefault(name, stored.get(attribute.key, ""))

    def _post_clean(self) -> None:
        # The service validates the model and its constraints; skip ModelForm's copy.
        pass

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name, "") for name in self.Meta.fields}
        data["attributes"] = {
            a.key: self.cleaned_data.get(ATTRIBUTE_PREFIX + a.key) or "" for a in self.attributes
        }
        return data


def _attribute_field(attribute: CustomAttribute) -> forms.Field:
    common: dict[str, Any] = {"label": attribute.label, "required": False}
    if attribute.type == AttributeType.CHOICE:
        choices = [("", "—"), *((c, c) for c in attribute.choices)]
        return forms.ChoiceField(choices=choices, **common)
    if attribute.type == AttributeType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if attribute.type == AttributeType.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    return forms.CharField(max_length=500, **common)


class CustomAttributeForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=120)
    key = forms.CharField(
        label=_("Key"),
        max_length=60,
        help_text=_("Used in imports and the API, e.g. loyalty_tier. Cannot be changed later."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=AttributeType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice attribute: one value per line."),
    )

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    match = forms.ChoiceField(
        label=_("Customers who match"),
        choices=[("all", _("all of the rules")), ("any", _("any of the rules"))],
    )


def rules_from_post(data: Mapping[str, Any]) -> dict[str, Any]:
    """The rule document from the builder's rows (`r<n>-kind`, `r<n>-value`, ...), in
    row order; the service validates it."""
    rows: dict[int, dict[str, Any]] = {}
    for name in data:
        found = RULE_FIELD.match(name)
        if found and found.group(2) in RULE_INPUTS:
            rows.setdefault(int(found.group(1)), {})[found.group(2)] = data.get(name)
    rules = [rows[index] for index in sorted(rows) if rows[index].get("kind")]
    return {"match": data.get("match") or "all", "rules": rules}
