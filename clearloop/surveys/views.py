"""The staff pages of surveys, under /surveys/ in the `web` namespace: the list, the
builder (new survey, import, settings, questions, preview, publish and the rest of the
lifecycle), results, responses, exports, and distributions with their QR codes.

Thin views: parse a form, call one service or selector, render. The builder edits the
definition with the pure functions of `clearloop.surveys.builder` and saves every change
whole through `survey_update_draft`, so `validate_definition` judges each save and a
refused one stores nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.models import Language
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError, NotFound, ValidationFailed
from clearloop.core.http import as_attachment
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.surveys import builder, selectors, services
from clearloop.surveys.definition import definition_from_version
from clearloop.surveys.exporting import csv_lines, export_rows, xlsx_file
from clearloop.surveys.forms import (
    AddQuestionForm,
    ImportForm,
    NewSurveyForm,
    QuestionForm,
    ResponseFilterForm,
    SurveySettingsForm,
)
from clearloop.surveys.models import (
    QuestionKind,
    Response,
    Survey,
    SurveyVersion,
)
from clearloop.surveys.public.presentation import (
    answers_from_form,
    question_view,
    values_from_answers,
)
from clearloop.surveys.responding import (
    AnswerValue,
    Questionnaire,
    clean_answers,
    page_after,
    visible_on_page,
)
from clearloop.surveys.results import (
    Figure,
    response_answers,
    responses_page,
    survey_summary,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGUAGE_NAMES = dict(Language.choices)
QUESTION_PATH = re.compile(r"^questions\[(\d+)\](?:\.(\w+))?")
QUESTION_SECTIONS = ("key", "texts", "page", "options", "show_if")


def _survey(request: OrganizationRequest, pk: int) -> Survey:
    return get_for_organization_or_404(Survey, organization=request.organization, pk=pk)


def _can_manage(request: OrganizationRequest) -> bool:
    return request.membership.allows(Capability.MANAGE_SURVEYS)


def _can_export(request: OrganizationRequest) -> bool:
    return request.membership.allows(Capability.EXPORT_DATA)


# --- The list, a new survey, import ------------------------------------------------------------


@member_required(Capability.VIEW_DASHBOARDS)
def surveys(request: OrganizationRequest) -> HttpResponse:
    survey_list = selectors.surveys_with_public_links(organization=request.organization)
    return render(request, "surveys/staff/list.html", {"surveys": survey_list})


def _new_page(
    request: OrganizationRequest,
    *,
    form: NewSurveyForm | None = None,
    import_form: ImportForm | None = None,
    import_error: ClearloopError | None = None,
    status: int = 200,
) -> HttpResponse:
    language = translation.get_language() or Language.ENGLISH
    if language not in LANGUAGE_NAMES:
        language = Language.ENGLISH
    form = form or NewSurveyForm(initial={"default_language": language, "languages": [language]})
    context = {
        "form": form,
        "import_form": import_form or ImportForm(),
        "import_error": import_error,
        "import_problems": _import_problems(import_error),
        "starting_points": [
            (value, label, builder.STARTING_POINT_HELP[value])
            for value, label in builder.STARTING_POINT_CHOICES
        ],
    }
    return render(request, "surveys/staff/new.html", context, status=status)


def _import_problems(error: ClearloopError | None) -> list[tuple[str, str]]:
    """The definition's problems one by one; a file that is not JSON has only a summary."""
    if error is None or set(error.fields) <= {"document"}:
        return []
    return [(path, str(message)) for path, message in error.fields.items()]


@member_required(Capability.MANAGE_SURVEYS)
@require_http_methods(["GET", "HEAD", "POST"])
def survey_new(request: OrganizationRequest) -> HttpResponse:
    if request.method != "POST":
        return _new_page(request)
    form = NewSurveyForm(request.POST)
    if not form.is_valid():
        return _new_page(request, form=form, status=400)
    data = form.cleaned_data
    definition = builder.starting_definition(
        data["starting_point"],
        name=data["name"],
        default_language=data["default_language"],
        languages=data["languages"],
    )
    try:
        survey = services.survey_create(
            organization=request.organization, definition=definition, by=request.membership
        )
    except ValidationFailed as error:
        form.add_error(None, error.message)
        return _new_page(request, form=form, status=400)
    messages.success(request, _("Survey created as a draft. Edit its questions, then publish."))
    return redirect("web:survey_edit", pk=survey.pk)


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_import(request: OrganizationRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _new_page(request, import_form=form, status=400)
    try:
        survey = services.survey_import(
            organization=request.organization,
            document=form.cleaned_data["file"].read(),
            by=request.membership,
        )
    except ValidationFailed as error:
        return _new_page(request, import_form=form, import_error=error, status=400)
    messages.success(request, _("Survey imported as a draft. Check it, then publish."))
    return redirect("web:survey_edit", pk=survey.pk)


# --- The builder ----------------------------------------------------------------------------


def _working(survey: Survey) -> tuple[SurveyVersion | None, dict[str, Any]]:
    """The version an editor starts from (the draft, else the newest published one) and
    its definition."""
    version = selectors.survey_latest_version(survey)
    if version is None:
        return None, {
            "name": survey.name,
            "default_language": survey.default_language,
            "languages": list(survey.languages),
            "thank_you": {},
            "thank_you_url": "",
            "questions": [],
        }
    return version, definition_from_version(version)


def _versions(survey: Survey) -> dict[str, Any]:
    """Which version respondents get and whether an unpublished draft waits."""
    draft = selectors.survey_draft(survey)
    current = selectors.survey_current_version(survey)
    live = current if current is not None and current.is_published else None
    return {"draft": draft, "live": live}


def _save(request: OrganizationRequest, survey: Survey, definition: dict[str, Any]) -> None:
    services.survey_update_draft(survey=survey, definition=definition, by=request.membership)


def _question_rows(definition: dict[str, Any]) -> list[tuple[int, list[dict[str, Any]]]]:
    """The questions grouped by page, with what the list shows of each."""
    default = definition.get("default_language", "")
    flagged = builder.untranslated(definition)
    questions = definition["questions"]
    pages: dict[int, list[dict[str, Any]]] = {}
    for index, question in enumerate(questions):
        texts = question.get("texts") or {}
        pages.setdefault(question.get("page", 1), []).append(
            {
                "number": index + 1,
                "key": question["key"],
                "kind": QuestionKind(question["kind"]).label,
                "text": texts.get(default) or next(iter(texts.values()), ""),
                "required": question.get("required"),
                "rule": builder.describe_condition(question.get("show_if") or {}),
                "untranslated": [
                    LANGUAGE_NAMES.get(c, c) for c in flagged.get(question["key"], [])
                ],
                "first": index == 0,
                "last": index == len(questions) - 1,
            }
        )
    return sorted(pages.items())


def _builder_page(
    request: OrganizationRequest,
    survey: Survey,
    *,
    settings_form: SurveySettingsForm | None = None,
    settings_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    version, definition = _working(survey)
    context = {
        "survey": survey,
        "version": version,
        **_versions(survey),
        "settings_form": settings_form
        or SurveySettingsForm(initial=SurveySettingsForm.initial_for(definition)),
        "settings_errors": settings_errors or [],
        "pages": _question_rows(definition),
        "add_form": AddQuestionForm(),
        "can_manage": True,
        "can_export": _can_export(request),
        "return_to": "edit",
    }
    return render(request, "surveys/staff/builder.html", context, status=status)


def _settings_errors(form: SurveySettingsForm, error: ClearloopError) -> list[str]:
    """Put each problem next to its field; those without a field are listed above."""
    unplaced = []
    for path, message in (error.fields or {}).items():
        if path in form.fields:
            form.add_error(path, str(message))
        else:
            unplaced.append(str(message))
    return unplaced or ([] if error.fields else [error.message])


@member_required(Capability.MANAGE_SURVEYS)
@require_http_methods(["GET", "HEAD", "POST"])
def survey_edit(request: OrganizationRequest, pk: int) -> HttpResponse:
    """The builder: settings (posted here) and the question list of the draft."""
    survey = _survey(request, pk)
    if request.method != "POST":
        return _builder_page(request, survey)
    form = SurveySettingsForm(request.POST)
    if not form.is_valid():
        return _builder_page(request, survey, settings_form=form, status=400)
    _version, definition = _working(survey)
    try:
        _save(request, survey, builder.apply_settings(definition, **form.settings()))
    except ClearloopError as error:
        unplaced = _settings_errors(form, error)
        return _builder_page(
            request, survey, settings_form=form, settings_errors=unplaced, status=400
        )
    messages.success(request, _("Settings saved to the draft."))
    return redirect("web:survey_edit", pk=survey.pk)


def _edit_url(survey: Survey, key: str = "") -> str:
    url = reverse("web:survey_edit", kwargs={"pk": survey.pk})
    return f"{url}#question-{key}" if key else url


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_question_add(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = AddQuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of question from the list."))
        return redirect(_edit_url(survey))
    _version, definition = _working(survey)
    definition, key = builder.add_question(definition, form.cleaned_data["kind"])
    try:
        _save(request, survey, definition)
    except ClearloopError as error:
        messages.error(request, error.message)
        return redirect(_edit_url(survey))
    messages.success(request, _("Question added. Write its wording below."))
    return redirect("web:survey_question_edit", pk=survey.pk, key=key)


def _question_errors(error: ClearloopError, index: int) -> dict[str, list[str]]:
    """The problems of one save, by section of the question form ("other" for the rest)."""
    sections: dict[str, list[str]] = {name: [] for name in (*QUESTION_SECTIONS, "other")}
    for path, message in (error.fields or {}).items():
        match = QUESTION_PATH.match(path)
        same = match is not None and int(match.group(1)) == index
        section = match.group(2) if same and match and match.group(2) else "other"
        sections[section if section in sections else "other"].append(str(message))
    if not error.fields:
        sections["other"].append(error.message)
    return sections


def _question_page(
    request: OrganizationRequest,
    survey: Survey,
    definition: dict[str, Any],
    key: str,
    *,
    form: QuestionForm | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    question = definition["questions"][builder.index_of(definition, key)]
    languages = definition.get("languages") or [definition.get("default_language", "en")]
    form = form or QuestionForm(
        initial=QuestionForm.initial_for(question, languages),
        **_question_form_arguments(definition, key),
    )
    context = {
        "survey": survey,
        **_versions(survey),
        "question": question,
        "kind_label": QuestionKind(question["kind"]).label,
        "form": form,
        "errors": errors or {},
        "has_errors": bool(errors and any(errors.values())) or bool(form.errors),
        "untranslated": [
            LANGUAGE_NAMES.get(code, code)
            for code in builder.untranslated(definition).get(question["key"], [])
        ],
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in languages],
    }
    status = 400 if context["has_errors"] else 200
    return render(request, "surveys/staff/question_edit.html", context, status=status)


def _question_form_arguments(definition: dict[str, Any], key: str) -> dict[str, Any]:
    question = definition["questions"][builder.index_of(definition, key)]
    return {
        "kind": question["kind"],
        "languages": definition.get("languages") or [definition["default_language"]],
        "default_language": definition["default_language"],
        "targets": builder.branch_targets(definition, key),
    }


@member_required(Capability.MANAGE_SURVEYS)
@require_http_methods(["GET", "HEAD", "POST"])
def survey_question_edit(request: OrganizationRequest, pk: int, key: str) -> HttpResponse:
    survey = _survey(request, pk)
    _version, definition = _working(survey)
    try:
        arguments = _question_form_arguments(definition, key)
    except KeyError as error:
        raise Http404("No such question in this survey.") from error
    if request.method != "POST":
        return _question_page(request, survey, definition, key)
    form = QuestionForm(request.POST, **arguments)
    if not form.is_valid() or form.changes is None:
        return _question_page(request, survey, definition, key, form=form)
    changed, index = builder.update_question(definition, key, form.changes)
    try:
        _save(request, survey, changed)
    except ClearloopError as error:
        errors = _question_errors(error, index)
        return _question_page(request, survey, definition, key, form=form, errors=errors)
    messages.success(request, _("Question %(key)s saved.") % {"key": form.changes.key})
    return redirect(_edit_url(survey, form.changes.key))


def _structural_edit(
    request: OrganizationRequest,
    pk: int,
    key: str,
    edit: Callable[[dict[str, Any]], dict[str, Any]],
    done: str,
) -> HttpResponse:
    """Move or delete: apply `edit` to the definition, save, and go back to the list."""
    survey = _survey(request, pk)
    _version, definition = _working(survey)
    try:
        changed = edit(definition)
        if changed != definition:  # a no-op (the last question moved down) opens no draft
            _save(request, survey, changed)
    except KeyError as error:
        raise Http404("No such question in this survey.") from error
    except ClearloopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_edit_url(survey, key))


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_question_move(request: OrganizationRequest, pk: int, key: str) -> HttpResponse:
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        messages.error(request, _("Move a question up or down."))
        return redirect(_edit_url(_survey(request, pk)))
    return _structural_edit(
        request,
        pk,
        key,
        lambda definition: builder.move_question(definition, key, direction),
        _("Question %(key)s moved.") % {"key": key},
    )


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_question_delete(request: OrganizationRequest, pk: int, key: str) -> HttpResponse:
    return _structural_edit(
        request,
        pk,
        key,
        lambda definition: builder.delete_question(definition, key),
        _("Question %(key)s deleted.") % {"key": key},
    )


# --- Lifecycle: publish, close, reopen, duplicate, delete, export ----------------------------


def _back(request: OrganizationRequest, survey: Survey) -> HttpResponse:
    """Back to the page the button was on: the results page or the builder."""
    name = "web:survey_results" if request.POST.get("return_to") == "results" else "web:survey_edit"
    return redirect(name, pk=survey.pk)


def _lifecycle(request: OrganizationRequest, pk: int, action: Any, done: Any) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        result = action(survey)
    except ClearloopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done(result))
    return _back(request, survey)


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_publish(request: OrganizationRequest, pk: int) -> HttpResponse:
    return _lifecycle(
        request,
        pk,
        lambda survey: services.survey_publish(survey=survey, by=request.membership),
        lambda version: (
            _(
                "Version %(number)d is published: new respondents get it. Earlier answers keep "
                "the version they answered."
            )
            % {"number": version.number}
        ),
    )


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_close(request: OrganizationRequest, pk: int) -> HttpResponse:
    return _lifecycle(
        request,
        pk,
        lambda survey: services.survey_close(survey=survey, by=request.membership),
        lambda survey: _("The survey is closed: its links no longer take answers."),
    )


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_reopen(request: OrganizationRequest, pk: int) -> HttpResponse:
    return _lifecycle(
        request,
        pk,
        lambda survey: services.survey_reopen(survey=survey, by=request.membership),
        lambda survey: _("The survey is live again."),
    )


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_duplicate(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    name = (_("Copy of %(name)s") % {"name": survey.name})[:200]
    try:
        copy = services.survey_duplicate(survey=survey, name=name, by=request.membership)
    except ClearloopError as error:
        messages.error(request, error.message)
        return _back(request, survey)
    messages.success(request, _("This is the copy, a new draft. Rename it in the settings."))
    return redirect("web:survey_edit", pk=copy.pk)


@member_required(Capability.MANAGE_SURVEYS)
@require_http_methods(["GET", "HEAD", "POST"])
def survey_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (a survey with responses is refused)."""
    survey = _survey(request, pk)
    if request.method != "POST":
        context = {"survey": survey, "has_responses": selectors.survey_has_responses(survey)}
        return render(request, "surveys/staff/delete.html", context)
    try:
        services.survey_delete(survey=survey, by=request.membership)
    except ClearloopError as error:
        messages.error(request, error.message)
        return redirect("web:survey_results", pk=survey.pk)
    messages.success(request, _("Survey “%(name)s” deleted.") % {"name": survey.name})
    return redirect("web:surveys")


@member_required(Capability.VIEW_DASHBOARDS)
def survey_definition_export(request: OrganizationRequest, pk: int) -> HttpResponse:
    """The definition as a JSON download: ?version=N, else the version respondents get."""
    survey = _survey(request, pk)
    number = request.GET.get("version", "")
    try:
        version = selectors.survey_version(survey, int(number)) if number.isdigit() else None
        document = services.survey_export(survey=survey, version=version)
    except NotFound as error:
        raise Http404(error.message) from error
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    suffix = f"-v{number}" if number.isdigit() else ""
    as_attachment(response, f"survey-{survey.pk}{suffix}.json")
    return response


# --- Preview ----------------------------------------------------------------------------------

PREVIEW_SALT = "clearloop.surveys.preview"


def _preview_version(survey: Survey, which: str) -> SurveyVersion:
    """?version=live is what respondents get; otherwise the draft when there is one."""
    versions = _versions(survey)
    version = versions["live"] if which == "live" else versions["draft"] or versions["live"]
    if version is None:
        raise Http404("This survey has no questions to preview.")
    return version


def _preview_language(survey: Survey, wanted: str) -> str:
    return wanted if wanted in survey.languages else survey.default_language


def _preview_values(raw: str, version: SurveyVersion) -> dict[str, AnswerValue]:
    """The answers given so far, carried signed in the page (nothing is stored)."""
    if not raw:
        return {}
    try:
        values = signing.loads(raw, salt=f"{PREVIEW_SALT}:{version.pk}")
    except signing.BadSignature:
        return {}
    return values if isinstance(values, dict) else {}


class _Preview:
    """One preview: the version, language and answers so far, and the URLs of its pages."""

    def __init__(self, survey: Survey, version: SurveyVersion, which: str, language: str) -> None:
        self.survey = survey
        self.version = version
        self.which = which
        self.language = language
        questions = list(version.questions.order_by("position", "pk"))
        self.questionnaire = Questionnaire(version=version, questions=questions)

    def url(self, **params: Any) -> str:
        base = reverse("web:survey_preview", kwargs={"pk": self.survey.pk})
        query = {"version": self.which, "language": self.language, **params}
        return f"{base}?{urlencode({k: v for k, v in query.items() if v})}"

    def sign(self, values: dict[str, AnswerValue]) -> str:
        return signing.dumps(values, salt=f"{PREVIEW_SALT}:{self.version.pk}", compress=True)


def _preview_page(
    request: OrganizationRequest,
    preview: _Preview,
    page: int,
    values: dict[str, AnswerValue],
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    questionnaire, language = preview.questionnaire, preview.language
    errors = errors or {}
    state = preview.sign(values)
    banner = _banner(request, preview)
    visible_pages = [p for p in questionnaire.pages if visible_on_page(questionnaire, p, values)]
    earlier = [p for p in visible_pages if p < page]
    with translation.override(language):
        questions = [
            question_view(q, language, values.get(q.key), errors.get(q.key, ""))
            for q in visible_on_page(questionnaire, page, values)
        ]
        context = {
            **banner,
            "survey": preview.survey,
            "questions": questions,
            "page": page,
            "page_number": len(earlier) + 1,
            "page_count": len(visible_pages),
            "is_last": page_after(questionnaire, page, values) is None,
            "back_url": preview.url(page=earlier[-1], h=state) if earlier else "",
            "errors": errors,
            "language": language,
            "languages": [
                (code, LANGUAGE_NAMES[code], preview.url(language=code, page=page, h=state))
                for code in preview.survey.languages
                if code in LANGUAGE_NAMES
            ],
            "submission_id": "preview",
            "hidden_token": state,
            "honeypot": "website",
            "action": preview.url(),
        }
        status = 400 if errors else 200
        return render(request, "surveys/staff/preview_page.html", context, status=status)


def _banner(request: OrganizationRequest, preview: _Preview) -> dict[str, Any]:
    """The preview banner, in the staff member's language (the page is in the survey's)."""
    version = preview.version
    if version.is_published:
        title = _("Preview of live version %(number)d") % {"number": version.number}
    else:
        title = _("Preview of draft version %(number)d (not published)") % {
            "number": version.number
        }
    return {
        "preview_title": title,
        "preview_note": _("Preview — answers are not saved."),
        "preview_back": _("Back to the builder") if _can_manage(request) else _("Back to results"),
        "preview_back_url": reverse(
            "web:survey_edit" if _can_manage(request) else "web:survey_results",
            kwargs={"pk": preview.survey.pk},
        ),
        "preview_restart": _("Start again"),
        "preview_restart_url": preview.url(),
    }


def _preview_thanks(request: OrganizationRequest, preview: _Preview) -> HttpResponse:
    messages_by_language: dict[str, str] = preview.version.thank_you or {}
    context = {
        **_banner(request, preview),
        "survey": preview.survey,
        "language": preview.language,
        "message": messages_by_language.get(preview.language)
        or messages_by_language.get(preview.survey.default_language, ""),
        "link": preview.version.thank_you_url,
    }
    with translation.override(preview.language):
        return render(request, "surveys/staff/preview_thanks.html", context)


def _requested_page(raw: str, preview: _Preview, values: dict[str, AnswerValue]) -> int:
    questionnaire = preview.questionnaire
    page = int(raw) if raw.isdigit() else 0
    if page in questionnaire.pages and visible_on_page(questionnaire, page, values):
        return page
    return page_after(questionnaire, None, values) or questionnaire.pages[0]


@member_required(Capability.VIEW_DASHBOARDS)
@require_http_methods(["GET", "HEAD", "POST"])
def survey_preview(request: OrganizationRequest, pk: int) -> HttpResponse:
    """The respondent's pages for the draft (or ?version=live), page by page with
    branching, on the public page's templates. Answers travel signed in the form and
    are checked as the public page checks them; nothing is stored."""
    survey = _survey(request, pk)
    which = "live" if request.GET.get("version") == "live" else "draft"
    version = _preview_version(survey, which)
    source = request.POST if request.method == "POST" else request.GET
    language = _preview_language(survey, source.get("language", ""))
    preview = _Preview(survey, version, which, language)
    if not preview.questionnaire.questions:
        raise Http404("This version has no questions.")
    values = _preview_values(source.get("h", ""), version)
    if request.method != "POST":
        return _preview_page(
            request, preview, _requested_page(source.get("page", ""), preview, values), values
        )
    page = _requested_page(source.get("page", ""), preview, values)
    shown = visible_on_page(preview.questionnaire, page, values)
    answers = answers_from_form(shown, request.POST)
    with translation.override(language):
        cleaned, errors = clean_answers(shown, answers)
    for question in preview.questionnaire.on_page(page):
        values.pop(question.key, None)
    if errors:
        return _preview_page(
            request, preview, page, {**values, **values_from_answers(answers)}, errors
        )
    values.update(cleaned)
    next_page = page_after(preview.questionnaire, page, values)
    if next_page is None:
        return _preview_thanks(request, preview)
    return _preview_page(request, preview, next_page, values)


# --- Results, responses and exports ---------------------------------------------------------


def _number(value: float, style: str) -> str:
    if style == "mean":
        return formats.number_format(value, 2)
    text = formats.number_format(round(value), 0)
    return f"{text}%" if style == "percent" else text


def _figure_display(figure: Figure) -> dict[str, Any]:
    """A figure as the results page prints it: "NPS 32 (95% CI 24 to 40), n = 412"."""
    estimate = figure.estimate
    interval = ""
    if estimate.low is not None and estimate.high is not None:
        interval = _("95%% CI %(low)s to %(high)s") % {
            "low": _number(estimate.low, figure.style),
            "high": _number(estimate.high, figure.style),
        }
    return {
        "label": figure.label,
        "value": "—" if estimate.value is None else _number(estimate.value, figure.style),
        "interval": interval,
        "n": estimate.n,
        "enough": estimate.enough,
    }


@member_required(Capability.VIEW_DASHBOARDS)
def survey_results(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = ResponseFilterForm(request.GET)
    summary = survey_summary(
        survey=survey, filters=form.filters(), language=translation.get_language() or ""
    )
    questions = [
        {"result": result, "figures": [_figure_display(f) for f in result.figures]}
        for result in summary["questions"]
    ]
    headline = next((q["figures"][0] for q in questions if q["figures"]), None)
    can_manage = _can_manage(request)
    context = {
        "survey": survey,
        "form": form,
        "summary": summary,
        "completion": _figure_display(
            Figure(gettext_lazy("Completion rate"), summary["completion_rate"], "percent")
        ),
        "response_rate": summary["response_rate"]
        and _figure_display(
            Figure(gettext_lazy("Response rate"), summary["response_rate"], "percent")
        ),
        "headline": headline,
        "questions": questions,
        "can_export": _can_export(request),
        "can_manage": can_manage,
        "draft": selectors.survey_draft(survey) if can_manage else None,
        "return_to": "results",
    }
    return render(request, "surveys/staff/results.html", context)


@member_required(Capability.VIEW_FEEDBACK)
def survey_responses(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = ResponseFilterForm(request.GET)
    page = responses_page(survey=survey, filters=form.filters(), page=request.GET.get("page"))
    context = {"survey": survey, "form": form, "page": page, "can_export": _can_export(request)}
    return render(request, "surveys/staff/responses.html", context)


@member_required(Capability.VIEW_FEEDBACK)
def survey_response(request: OrganizationRequest, pk: int, response_pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    response = get_for_organization_or_404(
        Response, organization=request.organization, survey=survey, pk=response_pk
    )
    response.survey = survey
    answers = response_answers(response=response, language=translation.get_language() or "")
    hidden = sorted((response.hidden_fields or {}).items())
    return render(
        request,
        "surveys/staff/response.html",
        {"survey": survey, "response": response, "answers": answers, "hidden_fields": hidden},
    )


# member_required's View type names HttpResponse; streaming responses are views too.
@member_required(Capability.EXPORT_DATA)  # type: ignore[arg-type]
def survey_export_csv(request: OrganizationRequest, pk: int) -> StreamingHttpResponse:
    survey = _survey(request, pk)
    rows = export_rows(survey=survey, filters=ResponseFilterForm(request.GET).filters())
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    as_attachment(response, f"survey-{survey.pk}-responses.csv")
    return response


@member_required(Capability.EXPORT_DATA)  # type: ignore[arg-type]
def survey_export_xlsx(request: OrganizationRequest, pk: int) -> FileResponse:
    survey = _survey(request, pk)
    rows = export_rows(survey=survey, filters=ResponseFilterForm(request.GET).filters())
    response = FileResponse(xlsx_file(rows), content_type=XLSX_TYPE)
    as_attachment(response, f"survey-{survey.pk}-responses.xlsx")
    return response
