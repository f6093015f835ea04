"""Writes for surveys: create and edit definitions, publish, close, duplicate, import,
and the distributions that carry a survey to respondents.

Every function is keyword-only and runs in one transaction: a refused definition leaves
nothing behind. A published version's questions are never changed; editing a live survey
opens a new draft version, so stored answers keep the questions they answered.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearloop.surveys import selectors
from clearloop.surveys.definition import (
    definition_from_version,
    options_for_storage,
    validate_definition,
)
from clearloop.surveys.models import (
    Distribution,
    Question,
    ResponseChannel,
    Survey,
    SurveyStatus,
    SurveyVersion,
)

MAX_IMPORT_BYTES = 1024 * 1024


def require_capability(by: Membership, capability: Capability, organization_id: int) -> None:
    if by.organization_id != organization_id:
        raise NotFound(_("No such survey."))
    if not by.allows(capability):
        raise PermissionDenied(_("Your role does not allow this."))


def _locked(survey: Survey) -> Survey:
    """Re-read the survey under a row lock so two editors cannot open two drafts."""
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _store_questions(version: SurveyVersion, definition: Mapping[str, Any]) -> None:
    version.thank_you = definition["thank_you"]
    version.thank_you_url = definition["thank_you_url"]
    version.save(update_fields=["thank_you", "thank_you_url", "updated_at"])
    Question.objects.bulk_create(
        Question(
            organization_id=version.organization_id,
            version=version,
            key=question["key"],
            kind=question["kind"],
            position=position,
            page=question["page"],
            required=question["required"],
            texts=question["texts"],
            options=options_for_storage(question["kind"], question["options"]),
            show_if=question["show_if"],
        )
        for position, question in enumerate(definition["questions"])
    )


def _apply_survey_fields(survey: Survey, definition: Mapping[str, Any]) -> None:
    survey.name = definition["name"]
    survey.default_language = definition["default_language"]
    survey.languages = definition["languages"]


@transaction.atomic
def survey_create(
    *, organization: Organization, definition: Mapping[str, Any], by: Membership
) -> Survey:
    """A draft survey whose version 1 (unpublished) holds the definition's questions."""
    require_capability(by, Capability.MANAGE_SURVEYS, organization.pk)
    cleaned = validate_definition(definition)
    survey = Survey(organization=organization, status=SurveyStatus.DRAFT)
    _apply_survey_fields(survey, cleaned)
    survey.save()
    version = SurveyVersion.objects.create(organization=organization, survey=survey, number=1)
    _store_questions(version, cleaned)
    return survey


@transaction.atomic
def survey_update_draft(*, survey: Survey, definition: Mapping[str, Any], by: Membership) -> Survey:
    """Replace the draft's questions; a survey with only published versions gets a new
    draft numbered after the newest one. Published questions are never touched."""
    require_capability(by, Capability.MANAGE_SURVEYS, survey.organization_id)
    cleaned = validate_definition(definition)
    survey = _locked(survey)
    draft = selectors.survey_draft(survey)
    if draft is None:
        latest = selectors.survey_latest_version(survey)
        draft = SurveyVersion.objects.create(
            organization_id=survey.organization_id,
            survey=survey,
            number=(latest.number if latest else 0) + 1,
        )
    elif draft.responses.exists():
        raise Conflict(_("This draft already has responses; publish it and edit again."))
    else:
        draft.questions.all().delete()
    _store_questions(draft, cleaned)
    _apply_survey_fields(survey, cleaned)
    survey.save(update_fields=["name", "default_language", "languages", "updated_at"])
    return survey


@transaction.atomic
def survey_publish(*, survey: Survey, by: Membership) -> SurveyVersion:
    """Publish the draft: new respondents get it, earlier responses keep their version."""
    require_capability(by, Capability.MANAGE_SURVEYS, survey.organization_id)
    survey = _locked(survey)
    draft = selectors.survey_draft(survey)
    if draft is None:
        raise Conflict(
            _("There is nothing to publish: this survey has no draft. Edit the survey first.")
        )
    draft.published_at = timezone.now()
    draft.save(update_fields=["published_at", "updated_at"])
    survey.status = SurveyStatus.LIVE
    survey.save(update_fields=["status", "updated_at"])
    return draft


def survey_close(*, survey: Survey, by: Membership) -> Survey:
    """Stop taking responses; stored responses stay."""
    return _status_change(
        survey=survey,
        by=by,
        required=SurveyStatus.LIVE,
        new=SurveyStatus.CLOSED,
        refusal=_("Only a live survey can be closed; this one is %(status)s."),
    )


def survey_reopen(*, survey: Survey, by: Membership) -> Survey:
    return _status_change(
        survey=survey,
        by=by,
        required=SurveyStatus.CLOSED,
        new=SurveyStatus.LIVE,
        refusal=_("Only a closed survey can be reopened; this one is %(status)s."),
    )


@transaction.atomic
def _status_change(
    *, survey: Survey, by: Membership, required: str, new: str, refusal: str
) -> Survey:
    require_capability(by, Capability.MANAGE_SURVEYS, survey.organization_id)
    survey = _locked(survey)
    if survey.status != required:
        raise Conflict(refusal % {"status": survey.get_status_display()})
    survey.status = new
    survey.save(update_fields=["status", "updated_at"])
    return survey


@transaction.atomic
def survey_duplicate(*, survey: Survey, name: str, by: Membership) -> Survey:
    """A new draft survey with the newest version's questions (draft or published)."""
    require_capability(by, Capability.MANAGE_SURVEYS, survey.organization_id)
    latest = selectors.survey_latest_version(survey)
    if latest is None:
        raise Conflict(_("This survey has no questions to copy."))
    definition = {**definition_from_version(latest), "name": name}
    return survey_create(organization=survey.organization, definition=definition, by=by)


@transaction.atomic
def survey_delete(*, survey: Survey, by: Membership) -> None:
    """Delete a survey that has no responses; one with responses can only be closed."""
    require_capability(by, Capability.MANAGE_SURVEYS, survey.organization_id)
    survey = _locked(survey)
    if selectors.survey_has_responses(survey):
        raise Conflict(_("This survey has responses and cannot be deleted; close it instead."))
    survey.delete()


def parse_definition_document(document: bytes | str) -> Any:
    """JSON text → Python, refusing oversize documents and reporting where JSON breaks."""
    raw = document.encode() if isinstance(document, str) else document
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValidationFailed(
            _("The file is %(size)d KB; a survey definition may be at most %(max)d KB.")
            % {"size": len(raw) // 1024, "max": MAX_IMPORT_BYTES // 1024},
            fields={"document": "too_large"},
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed(
            _("The file is not UTF-8 text (byte %(position)d). Save it as UTF-8 JSON.")
            % {"position": error.start},
            fields={"document": "encoding"},
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationFailed(
            _("The file is not valid JSON: %(reason)s at line %(line)d, column %(column)d.")
            % {"reason": error.msg, "line": error.lineno, "column": error.colno},
            fields={"document": f"line {error.lineno}, column {error.colno}: {error.msg}"},
        ) from error


def survey_import(*, organization: Organization, document: bytes | str, by: Membership) -> Survey:
    """Create a draft survey from an exported JSON definition (at most 1 MB)."""
    require_capability(by, Capability.MANAGE_SURVEYS, organization.pk)
    return survey_create(
        organization=organization, definition=parse_definition_document(document), by=by
    )


def survey_export(*, survey: Survey, version: SurveyVersion | None = None) -> dict[str, Any]:
    """The definition of `version` (default: the current one) as a JSON-ready dict."""
    if version is None:
        version = selectors.survey_current_version(survey)
    if version is None or version.survey_id != survey.pk:
        raise NotFound(_("This survey has no such version."))
    return definition_from_version(version)


# --- Distributions -------------------------------------------------------------------


@transaction.atomic
def distribution_create(
    *, survey: Survey, kind: str, name: str = "", by: Membership
) -> Distribution:
    """A new way to reach respondents, with its own unguessable public token."""
    require_capability(by, Capability.MANAGE_SURVEYS, survey.organization_id)
    if kind not in ResponseChannel.values:
        raise ValidationFailed(
            _("The kind must be one of %(kinds)s.") % {"kinds": ", ".join(ResponseChannel.values)},
            fields={"kind": "invalid"},
        )
    if len(name) > 120:
        raise ValidationFailed(_("Keep the name under 120 characters."), fields={"name": "long"})
    return Distribution.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        kind=kind,
        name=name.strip(),
        public_token=secrets.token_urlsafe(32),
    )


@transaction.atomic
def distribution_set_active(
    *, distribution: Distribution, active: bool, by: Membership
) -> Distribution:
    """Switch one distribution on or off; its link answers nothing while off."""
    require_capability(by, Capability.MANAGE_SURVEYS, distribution.organization_id)
    distribution.active = active
    distribution.save(update_fields=["active", "updated_at"])
    return distribution


# --- Distribution settings ---------------------------------------------------------------

MAX_SEND_DELAY_MINUTES = 30 * 24 * 60
ALLOWED_ORIGINS_MAX = 20
ORIGIN = re.compile(r"^(https|http)://([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$")
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
# (field, lowest, highest) of the numeric settings a distribution takes.
DISTRIBUTION_LIMITS = {
    "contact_frequency_days": (0, 365),
    "reminder_count": (0, 5),
    "reminder_delay_hours": (1, 30 * 24),
    "send_delay_minutes": (0, MAX_SEND_DELAY_MINUTES),
}
DISTRIBUTION_SETTINGS = {"name", "allowed_origins", *DISTRIBUTION_LIMITS}


def clean_allowed_origins(origins: object) -> list[str]:
    """Web origins exactly as browsers send them (``scheme://host[:port]``, no path, no
    wildcard), https only except for localhost and 127.0.0.1; at most 20, lower case."""
    if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
        raise ValidationFailed(
            _("Send the allowed origins as a list of strings."),
            fields={"allowed_origins": "not_a_list"},
        )
    if len(origins) > ALLOWED_ORIGINS_MAX:
        raise ValidationFailed(
            _("Allow at most %(count)d origins.") % {"count": ALLOWED_ORIGINS_MAX},
            fields={"allowed_origins": "too_many"},
        )
    cleaned: list[str] = []
    for origin in origins:
        value = origin.strip().lower()
        match = ORIGIN.match(value)
        port = int(match.group(3)[1:]) if match and match.group(3) else None
        if match is None or (port is not None and not 0 < port < 65536):
            raise ValidationFailed(
                _("%(origin)s is not an origin: write scheme://host[:port], e.g. %(example)s.")
                % {"origin": origin, "example": "https://shop.example.com"},
                fields={"allowed_origins": "invalid"},
            )
        if match.group(1) == "http" and match.group(2) not in LOCAL_HOSTS:
            raise ValidationFailed(
                _("%(origin)s must use https (plain http is allowed for localhost only).")
                % {"origin": origin},
                fields={"allowed_origins": "insecure"},
            )
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def _check_limit(field: str, value: int) -> None:
    lowest, highest = DISTRIBUTION_LIMITS[field]
    if not lowest <= value <= highest:
        raise ValidationFailed(
            _("%(field)s must be between %(lowest)d and %(highest)d.")
            % {
                "field": getattr(Distribution._meta.get_field(field), "verbose_name", field),
                "lowest": lowest,
                "highest": highest,
            },
            fields={field: "out_of_range"},
        )


def _clean_setting(field: str, value: object) -> object:
    if field == "name":
        name = str(value).strip()
        if len(name) > 120:
            raise ValidationFailed(
                _("Keep the name under 120 characters."), fields={"name": "long"}
            )
        return name
    if field == "allowed_origins":
        return clean_allowed_origins(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(_("Send a whole number."), fields={field: "not_a_number"})
    _check_limit(field, value)
    return value


@transaction.atomic
def distribution_update(
    *, distribution: Distribution, by: Membership, **changes: object
) -> Distribution:
    """Change a distribution's name, email settings (contact frequency, reminders, send
    delay) or the web origins allowed to embed its widget. Fields not given are kept;
    nothing is saved unless every given value is valid."""
    require_capability(by, Capability.MANAGE_SURVEYS, distribution.organization_id)
    unknown = set(changes) - DISTRIBUTION_SETTINGS
    if unknown:
        raise ValidationFailed(
            _("These settings do not exist: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    cleaned = {field: _clean_setting(field, value) for field, value in changes.items()}
    for field, value in cleaned.items():
        setattr(distribution, field, value)
    if changes:
        distribution.save(update_fields=[*changes, "updated_at"])
    return distribution
