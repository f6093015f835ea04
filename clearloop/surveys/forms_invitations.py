"""Forms of the staff invitation pages, and the reading of an uploaded contact list.

A contact list is a CSV file with a header row: ``email`` (required), ``name``,
``language`` and ``external_id``; every other column becomes a hidden field of that
person's invitation. Every row is checked; a bad row is reported with its row number (the
header is row 1, as a spreadsheet shows it) and its reason. Between the preview and the
send, the checked rows travel in a signed form field, so the file is read once and what is
sent is exactly what was previewed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearloop.accounts.models import Language
from clearloop.customers.services import CustomerEntry
from clearloop.surveys.inviting import Contact
from clearloop.surveys.models import InvitationStatus
from clearloop.surveys.responding import HIDDEN_FIELDS_MAX, HIDDEN_VALUE_MAX_LENGTH

CSV_MAX_BYTES = 1024 * 1024
CSV_MAX_ROWS = 2000
KNOWN_COLUMNS = ("email", "name", "language", "external_id")
HIDDEN_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
SIGNING_SALT = "clearloop.surveys.invitation-contacts"
SIGNED_MAX_AGE = 60 * 60


class SourceChoice:
    FILTER = "filter"
    CSV = "csv"


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *InvitationStatus.choices],
    )
    email = forms.CharField(label=gettext_lazy("Email address"), required=False, max_length=254)


class AudienceForm(forms.Form):
    """Who to invite: customers chosen by a filter, or a CSV contact list."""

    source = forms.ChoiceField(
        label=gettext_lazy("Invite"),
        choices=[
            (SourceChoice.FILTER, gettext_lazy("Customers chosen by a filter")),
            (SourceChoice.CSV, gettext_lazy("People from a CSV file")),
        ],
        widget=forms.RadioSelect,
        initial=SourceChoice.FILTER,
    )
    segment = forms.ChoiceField(label=gettext_lazy("Segment"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Language.choices],
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        required=False,
        help_text=gettext_lazy(
            "A header row with email (required), name, language, external_id; other "
            "columns become hidden fields. At most 2,000 rows and 1 MB."
        ),
    )
    skip_bad_rows = forms.BooleanField(
        label=gettext_lazy("Skip bad rows and invite the others"), required=False
    )

    def __init__(self, *args: Any, segments: list[str], regions: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        any_choice = [("", gettext_lazy("Any"))]
        segment, region = self.fields["segment"], self.fields["region"]
        assert isinstance(segment, forms.ChoiceField) and isinstance(region, forms.ChoiceField)
        segment.choices = any_choice + [(s, s) for s in segments]
        region.choices = any_choice + [(r, r) for r in regions]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if cleaned.get("source") == SourceChoice.CSV:
            if upload is None:
                raise ValidationError(_("Choose the CSV file to upload."))
            if upload.size and upload.size > CSV_MAX_BYTES:
                raise ValidationError(
                    _("The file is larger than %(max)d KB.") % {"max": CSV_MAX_BYTES // 1024}
                )
        return cleaned


# --- Contact lists ---------------------------------------------------------------------


@dataclass
class ContactList:
    """The rows of an uploaded file that can be invited, and those that cannot."""

    contacts: list[Contact] = field(default_factory=list)
    row_errors: list[tuple[int, str]] = field(default_factory=list)
    file_error: str = ""


def _header(row: list[str]) -> list[str] | str:
    columns = [name.strip().lower() for name in row]
    if "email" not in columns:
        return _("The first row must name the columns, with one called email.")
    extra = [name for name in columns if name not in KNOWN_COLUMNS]
    if len(extra) > HIDDEN_FIELDS_MAX:
        return _("Use at most %(count)d extra columns.") % {"count": HIDDEN_FIELDS_MAX}
    bad = [name for name in extra if not HIDDEN_KEY.match(name)]
    if bad or len(set(columns)) != len(columns):
        return _(
            "Column names must be unique, made of letters, digits, dots, dashes and underscores."
        )
    return columns


def _row_problem(values: dict[str, str], seen: set[str]) -> str:
    email = values.get("email", "")
    try:
        validate_email(email)
    except ValidationError:
        return _("%(email)s is not an email address.") % {"email": email or _("(empty)")}
    if email.lower() in seen:
        return _("%(email)s appears twice in the file.") % {"email": email}
    if values.get("language", "").lower() not in ("", *Language.values):
        return _("The language must be empty or one of %(codes)s.") % {
            "codes": ", ".join(Language.values)
        }
    if len(values.get("name", "")) > 200 or len(values.get("external_id", "")) > 120:
        return _("Keep names under 200 characters and external ids under 120.")
    if any(len(value) > HIDDEN_VALUE_MAX_LENGTH for value in values.values()):
        return _("Keep each value under %(max)d characters.") % {"max": HIDDEN_VALUE_MAX_LENGTH}
    return ""


def _contact(values: dict[str, str]) -> Contact:
    entry = CustomerEntry(
        external_id=values.get("external_id", ""),
        email=values["email"],
        name=values.get("name", ""),
        language=values.get("language", "").lower(),
    )
    hidden = {key: value for key, value in values.items() if key not in KNOWN_COLUMNS and value}
    return Contact(customer=entry, hidden_fields=hidden)


def _decoded(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_contact_list(data: bytes) -> ContactList:
    """Check every row of a CSV contact list (see the module docstring)."""
    result = ContactList()
    text = _decoded(data)
    if text is None:
        result.file_error = _("Save the file as UTF-8 CSV and upload it again.")
        return result
    rows = csv.reader(io.StringIO(text))
    try:
        columns = _header(next(rows, []))
    except csv.Error:
        columns = _("The file is not a CSV file.")
    if isinstance(columns, str):
        result.file_error = columns
        return result
    seen: set[str] = set()
    try:
        _read_rows(rows, columns, seen, result)
    except csv.Error:
        result.file_error = _("The file is not a CSV file.")
    return result


def _read_rows(rows: Any, columns: list[str], seen: set[str], result: ContactList) -> None:
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(result.contacts) + len(result.row_errors) >= CSV_MAX_ROWS:
            result.file_error = _("Upload at most %(max)d rows at a time.") % {"max": CSV_MAX_ROWS}
            return
        if len(row) != len(columns):
            result.row_errors.append((number, _("This row has a different number of columns.")))
            continue
        values = {name: cell.strip() for name, cell in zip(columns, row, strict=True)}
        problem = _row_problem(values, seen)
        if problem:
            result.row_errors.append((number, problem))
            continue
        seen.add(values["email"].lower())
        result.contacts.append(_contact(values))


def sign_contacts(contacts: list[Contact], distribution_id: int) -> str:
    rows = [
        [
            c.customer.email,
            c.customer.name,
            c.customer.language,
            c.customer.external_id,
            dict(c.hidden_fields),
        ]
        for c in contacts
    ]
    return signing.dumps({"d": distribution_id, "rows": rows}, salt=SIGNING_SALT, compress=True)


def unsign_contacts(value: str, distribution_id: int) -> list[Contact] | None:
    """The contacts signed for this distribution's preview, or None if the value was not
    signed by us, was made for another distribution, or is more than an hour old."""
    try:
        payload = signing.loads(value, salt=SIGNING_SALT, max_age=SIGNED_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("d") != distribution_id:
        return None
    return [
        Contact(
            customer=CustomerEntry(
                email=email, name=name, language=language, external_id=external_id
            ),
            hidden_fields=hidden,
        )
        for email, name, language, external_id, hidden in payload["rows"]
    ]
