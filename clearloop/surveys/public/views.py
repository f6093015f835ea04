"""The public survey link, ``/s/<token>/``: pages for people, a JSON endpoint for scripts.

Nobody is signed in here, so the views trust only the token in the path, the signed
hidden fields, and the submission id the page itself made. An unknown, inactive or
closed link always gets the same 404 page; guessing tokens and posting are rate-limited
per address.

The page flow (`get_page`, `post_page`, `thanks_page`) takes an `Entry`, so the personal
invitation link (`clearloop.surveys.public.invitations`) runs the very same pages.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.models import Language
from clearloop.core.api import PROBLEM_CONTENT_TYPE, problem
from clearloop.core.errors import ClearloopError, Conflict, ValidationFailed
from clearloop.surveys.models import Distribution, Response, Survey
from clearloop.surveys.public.presentation import (
    answers_from_form,
    question_view,
    values_from_answers,
)
from clearloop.surveys.responding import (
    AnswerValue,
    Questionnaire,
    distribution_for_token,
    first_unanswered_page,
    page_after,
    questionnaire_current,
    questionnaire_of,
    response_complete,
    response_save_page,
    response_start_or_resume,
    response_submit,
    stored_values,
    submit_target,
    unsign_hidden_fields,
    visible_on_page,
)

COOKIE_NAME = "clearloop_submission"
COOKIE_MAX_AGE = 60 * 60 * 24 * 30
HONEYPOT_FIELD = "website"
LANGUAGE_NAMES = dict(Language.choices)


# --- Plumbing ---------------------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    # Behind a proxy, set the address from X-Forwarded-For in the proxy's own middleware.
    return str(request.META.get("REMOTE_ADDR", ""))


def over_limit(scope: str, request: HttpRequest, limit: int) -> bool:
    """Count one attempt in this minute's window; True once `limit` is exceeded."""
    window = int(timezone.now().timestamp() // 60)
    key = f"survey-rate:{scope}:{_client_address(request)}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        return False


def _posts_per_minute() -> int:
    return int(getattr(settings, "CLEARLOOP_SURVEY_POSTS_PER_MINUTE", 30))


def misses_per_minute() -> int:
    return int(getattr(settings, "CLEARLOOP_SURVEY_MISSES_PER_MINUTE", 30))


def _language_for(request: HttpRequest, survey: Survey, preferred: str | None = None) -> str:
    """?lang= first, then `preferred` (the response's), the browser's, the survey default."""
    offered = [code for code in survey.languages if code in LANGUAGE_NAMES]
    wanted = request.GET.get("lang") or request.POST.get("language") or preferred
    if wanted in offered:
        return str(wanted)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        code = code.lower()
        candidate = "zh-hans" if code.startswith("zh") else code.split("-")[0]
        if candidate in offered:
            return candidate
    return survey.default_language


def message_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "surveys/public/message.html",
        {"title": title, "message": message},
        status=status,
    )


def not_found(request: HttpRequest) -> HttpResponse:
    # The same words for unknown, inactive and closed links: nothing to learn by guessing.
    return message_page(
        request,
        404,
        _("Survey not available"),
        _("This survey link is not valid or the survey has ended."),
    )


def too_many(request: HttpRequest) -> HttpResponse:
    response = message_page(
        request,
        429,
        _("Too many attempts"),
        _("Please wait a minute, then try again."),
    )
    response["Retry-After"] = "60"
    return response


def resolve_token(request: HttpRequest, token: str) -> Distribution | None:
    """The open distribution behind `token`; a miss counts towards the guessing limit."""
    distribution = distribution_for_token(token=token)
    if distribution is None:
        over_limit("miss", request, misses_per_minute())
    return distribution


def guessing(request: HttpRequest) -> bool:
    window = int(timezone.now().timestamp() // 60)
    key = f"survey-rate:miss:{_client_address(request)}:{window}"
    return int(cache.get(key, 0)) >= misses_per_minute()


def _submission_from_cookie(request: HttpRequest, distribution: Distribution) -> Response | None:
    try:
        submission_id = uuid.UUID(request.COOKIES.get(COOKIE_NAME, ""))
    except ValueError:
        return None
    return (
        Response.objects.select_related("version")
        .filter(survey_id=distribution.survey_id, submission_id=submission_id)
        .first()
    )


def _remember(response: HttpResponse, request: HttpRequest, token: str, submission: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        submission,
        max_age=COOKIE_MAX_AGE,
        path=reverse("survey_public:page", args=[token]),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


class Entry:
    """How a respondent came in, and what that decides for the page flow: the URLs, which
    response is theirs, how one starts and completes. This one is the public link
    (``/s/<token>/``): the page chooses a submission id, kept in a cookie for resuming.
    `clearloop.surveys.public.invitations.InvitationLink` is the personal email link."""

    namespace = "survey_public"

    def __init__(self, distribution: Distribution, token: str) -> None:
        self.distribution = distribution
        self.token = token

    def url(self, name: str, **params: Any) -> str:
        query = urlencode({key: value for key, value in params.items() if value})
        base = reverse(f"{self.namespace}:{name}", args=[self.token])
        return f"{base}?{query}" if query else base

    def preferred_language(self) -> str | None:
        return None

    def existing(self, request: HttpRequest) -> Response | None:
        return _submission_from_cookie(request, self.distribution)

    def new_submission_id(self) -> str:
        return str(uuid.uuid4())

    def check_hidden(self, hidden_token: str) -> None:
        """ValidationFailed when the signed hidden fields in the link were altered."""
        if hidden_token:
            unsign_hidden_fields(self.distribution, hidden_token)

    def start(self, request: HttpRequest, language: str) -> Response:
        """The response this POST answers; ValueError or ValidationFailed for a bad form."""
        submission_id = uuid.UUID(request.POST.get("submission_id", ""))
        hidden_token = request.POST.get("h", "")
        hidden = unsign_hidden_fields(self.distribution, hidden_token) if hidden_token else {}
        return response_start_or_resume(
            distribution=self.distribution,
            submission_id=submission_id,
            language=language,
            hidden_fields=hidden,
        )

    def complete(self, response: Response) -> Response:
        return response_complete(response=response)

    def remember(self, http_response: HttpResponse, request: HttpRequest, submission: str) -> None:
        _remember(http_response, request, self.token, submission)

    def template_context(self) -> dict[str, Any]:
        """What this entry adds to every page it renders (the widget's embed mode)."""
        return {}


class PublicLink(Entry):
    pass


# --- The page form ----------------------------------------------------------------------------


def _page_context(
    *,
    request: HttpRequest,
    entry: Entry,
    questionnaire: Questionnaire,
    page: int,
    values: dict[str, AnswerValue],
    language: str,
    submission_id: str,
    hidden_token: str,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    errors = errors or {}
    questions = [
        question_view(question, language, values.get(question.key), errors.get(question.key, ""))
        for question in visible_on_page(questionnaire, page, values)
    ]
    earlier = [
        p for p in questionnaire.pages if p < page and visible_on_page(questionnaire, p, values)
    ]
    return {
        "survey": entry.distribution.survey,
        "questions": questions,
        "page": page,
        "page_number": len(earlier) + 1,
        "page_count": len(
            [p for p in questionnaire.pages if visible_on_page(questionnaire, p, values)]
        ),
        "is_last": page_after(questionnaire, page, values) is None,
        "back_url": entry.url("page", page=earlier[-1], lang=language) if earlier else "",
        "errors": errors,
        "language": language,
        "languages": [
            (code, LANGUAGE_NAMES[code], entry.url("page", lang=code, page=page, h=hidden_token))
            for code in entry.distribution.survey.languages
            if code in LANGUAGE_NAMES
        ],
        "submission_id": submission_id,
        "hidden_token": hidden_token,
        "honeypot": HONEYPOT_FIELD,
        "action": entry.url("page"),
        **entry.template_context(),
    }


def _show_page(
    request: HttpRequest, entry: Entry, status: int = 200, **context: Any
) -> HttpResponse:
    with translation.override(context["language"]):
        page_context = _page_context(request=request, entry=entry, **context)
        return render(request, "surveys/public/page.html", page_context, status=status)


def _requested_page(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() else None


def get_page(request: HttpRequest, entry: Entry) -> HttpResponse:
    """Show the page the respondent is on: the first one, or where a partial response
    left off; a completed response goes to the thank-you page."""
    hidden_token = request.GET.get("h", "")
    try:
        entry.check_hidden(hidden_token)
    except ValidationFailed as error:
        return message_page(request, 400, _("Link not valid"), error.message)
    existing = entry.existing(request)
    survey = entry.distribution.survey
    if existing is not None and existing.is_complete:
        return HttpResponseRedirect(entry.url("thanks", lang=request.GET.get("lang")))
    if existing is not None:
        questionnaire = questionnaire_of(response=existing)
        values = stored_values(response=existing, questionnaire=questionnaire)
        language = _language_for(request, survey, existing.language)
        page = _requested_page(request)
        if page not in questionnaire.pages or not visible_on_page(questionnaire, page, values):
            page = first_unanswered_page(questionnaire, values) or questionnaire.pages[-1]
        submission_id = str(existing.submission_id)
    else:
        questionnaire = questionnaire_current(survey=survey)
        values = {}
        language = _language_for(request, survey, entry.preferred_language())
        page = page_after(questionnaire, None, values) or questionnaire.pages[0]
        submission_id = entry.new_submission_id()
    response = _show_page(
        request,
        entry,
        questionnaire=questionnaire,
        page=page,
        values=values,
        language=language,
        submission_id=submission_id,
        hidden_token=hidden_token,
    )
    entry.remember(response, request, submission_id)
    return response


def post_page(request: HttpRequest, entry: Entry) -> HttpResponse:
    """Save one page; go on to the next page, or complete the response after the last."""
    language = _language_for(request, entry.distribution.survey)
    if request.POST.get(HONEYPOT_FIELD):
        # A bot filled the field people never see: look successful, keep nothing.
        return HttpResponseRedirect(entry.url("thanks", lang=language))
    hidden_token = request.POST.get("h", "")
    try:
        response = entry.start(request, language)
    except ValueError:
        return message_page(
            request, 400, _("Page expired"), _("Open the survey link again to continue.")
        )
    except ValidationFailed as error:
        return message_page(request, 400, _("Link not valid"), error.message)
    if response.is_complete:
        return HttpResponseRedirect(entry.url("thanks", lang=language))
    submission_id = str(response.submission_id)
    questionnaire = questionnaire_of(response=response)
    page_raw = request.POST.get("page", "")
    page = int(page_raw) if page_raw.isdigit() else 0
    if page not in questionnaire.pages:
        return HttpResponseRedirect(entry.url("page", lang=language))
    answers = answers_from_form(questionnaire.on_page(page), request.POST)
    try:
        response_save_page(response=response, page=page, answers=answers)
    except Conflict:
        return HttpResponseRedirect(entry.url("thanks", lang=language))
    except ValidationFailed as error:
        values = stored_values(response=response, questionnaire=questionnaire)
        values.update(values_from_answers(answers))
        return _show_page(
            request,
            entry,
            status=400,
            questionnaire=questionnaire,
            page=page,
            values=values,
            language=language,
            submission_id=submission_id,
            hidden_token=hidden_token,
            errors={key: str(message) for key, message in error.fields.items()},
        )
    values = stored_values(response=response, questionnaire=questionnaire)
    next_page = page_after(questionnaire, page, values)
    if next_page is None:
        try:
            entry.complete(response)
        except ValidationFailed as error:
            # Something required was skipped on an earlier page: go back there.
            first = min(questionnaire.by_key[key].page for key in error.fields)
            redirect = HttpResponseRedirect(entry.url("page", page=first, lang=language))
            entry.remember(redirect, request, submission_id)
            return redirect
        redirect = HttpResponseRedirect(entry.url("thanks", lang=language))
    else:
        redirect = HttpResponseRedirect(entry.url("page", page=next_page, lang=language))
    entry.remember(redirect, request, submission_id)
    return redirect


def too_many_posts(request: HttpRequest, entry: Entry) -> HttpResponse | None:
    """The 429 page when this address posts too often to one distribution, else None."""
    if not over_limit(f"post:{entry.distribution.pk}", request, _posts_per_minute()):
        return None
    with translation.override(_language_for(request, entry.distribution.survey)):
        return too_many(request)


def thanks_page(request: HttpRequest, entry: Entry, existing: Response | None) -> HttpResponse:
    """The version's thank-you message (and link) in the respondent's language."""
    survey = entry.distribution.survey
    try:
        version = existing.version if existing else questionnaire_current(survey=survey).version
    except ClearloopError:
        return not_found(request)
    preferred = existing.language if existing else entry.preferred_language()
    language = _language_for(request, survey, preferred)
    messages: dict[str, str] = version.thank_you or {}
    message = messages.get(language) or messages.get(survey.default_language) or ""
    with translation.override(language):
        return render(
            request,
            "surveys/public/thanks.html",
            {
                "survey": survey,
                "language": language,
                "message": message,
                "link": version.thank_you_url,
                **entry.template_context(),
            },
        )


@require_http_methods(["GET", "HEAD", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    if guessing(request):
        return too_many(request)
    distribution = resolve_token(request, token)
    if distribution is None:
        return not_found(request)
    entry = PublicLink(distribution, token)
    if request.method != "POST":
        return get_page(request, entry)
    return too_many_posts(request, entry) or post_page(request, entry)


@require_http_methods(["GET", "HEAD"])
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    distribution = resolve_token(request, token)
    if distribution is None:
        return not_found(request)
    return thanks_page(
        request, PublicLink(distribution, token), _submission_from_cookie(request, distribution)
    )


# --- JSON ---------------------------------------------------------------------------------


def _problem(status: int, code: str, detail: str, errors: Any = None) -> JsonResponse:
    return JsonResponse(
        problem(status, code, detail, errors), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def _submission(body: Any) -> tuple[uuid.UUID, str, dict[str, Any], str]:
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object.")
    try:
        submission_id = uuid.UUID(str(body.get("submission_id", "")))
    except ValueError as error:
        raise ValidationFailed(
            "submission_id must be a UUID you make once per response and reuse on retries.",
            fields={"submission_id": "Not a UUID."},
        ) from error
    answers = body.get("answers")
    if not isinstance(answers, dict):
        raise ValidationFailed(
            "answers must be an object of question keys.", fields={"answers": "Not an object."}
        )
    hidden = body.get("hidden") or ""
    if not isinstance(hidden, str):
        raise ValidationFailed("hidden must be the signed string from the survey link.")
    return submission_id, str(body.get("language") or ""), answers, hidden


@csrf_exempt  # no cookie is read or set: nothing for a cross-site request to ride on
@require_POST
def survey_submit(request: HttpRequest, token: str) -> JsonResponse:
    """Start, answer and complete a response in one request; safe to retry."""
    if guessing(request):
        return _problem(429, "rate_limited", "Too many attempts. Wait a minute and try again.")
    target = submit_target(token=token)
    if target is None:
        over_limit("miss", request, misses_per_minute())
        return _problem(404, "not_found", "No survey is open at this link.")
    distribution, questionnaire = target
    if over_limit(f"post:{distribution.pk}", request, _posts_per_minute()):
        return _problem(429, "rate_limited", "Too many attempts. Wait a minute and try again.")
    try:
        body = json.loads(request.body or b"null")
        submission_id, language, answers, hidden_token = _submission(body)
        hidden = unsign_hidden_fields(distribution, hidden_token) if hidden_token else {}
        response, created = response_submit(
            distribution=distribution,
            submission_id=submission_id,
            language=language,
            hidden_fields=hidden,
            answers=answers,
            questionnaire=questionnaire,
        )
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _problem(400, "invalid", "The body is not valid JSON.")
    except ClearloopError as error:
        return _problem(error.status_code, error.code, error.message, error.fields or None)
    return JsonResponse(
        {"response_id": response.pk, "submission_id": str(submission_id), "duplicate": not created},
        status=201 if created else 200,
    )
