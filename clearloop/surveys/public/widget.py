"""The embeddable survey widget: ``/w/<token>.js`` and the embedded pages ``/s/<token>/embed/``.

A customer puts one tag on their page, ``<script src=".../w/<token>.js" async></script>``.
The script (`static/surveys/widget.js`, served here with the survey's button labels baked
in) shows a "Give feedback" button that opens the embedded survey in an iframe, or puts the
iframe inline. It loads nothing but our own origin.

The embedded pages are the ``/s/`` page flow (`views.get_page`, `views.post_page`) in a
compact layout, framed only by the widget distribution's `allowed_origins`
(`clearloop.core.middleware.allow_framing`); any other distribution stays unframeable.
Inside a cross-site frame our SameSite=Lax cookies are neither sent nor stored, so:

* the submission id travels in the URL (``?sid=``) instead of the resume cookie (a
  SameSite=None cookie is set as well over HTTPS, for browsers that still allow it);
* the CSRF cookie is missing too, so the embed view is csrf-exempt and refuses instead
  any POST whose Origin header is another site's.

The page tells the host page it is done, or that Escape was pressed inside the frame, by
``postMessage`` to the ``?origin=`` it was opened for, and only when that origin is one of
the allowed ones.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clearloop.core.middleware import allow_framing, web_origin
from clearloop.surveys.models import Distribution, Response, ResponseChannel
from clearloop.surveys.public.views import (
    COOKIE_MAX_AGE,
    COOKIE_NAME,
    LANGUAGE_NAMES,
    Entry,
    get_page,
    guessing,
    message_page,
    not_found,
    post_page,
    resolve_token,
    thanks_page,
    too_many,
    too_many_posts,
)

SCRIPT_PATH = Path(__file__).resolve().parent.parent / "static" / "surveys" / "widget.js"
CONFIG_PLACEHOLDER = "/* config */ {}"
# Browsers and proxies may keep the script this long: switching a widget off takes effect
# on host pages within five minutes.
SCRIPT_MAX_AGE = 300


def widget_origins(distribution: Distribution) -> list[str]:
    """The origins that may frame this distribution's pages: a widget's allowed origins
    (only the well-formed ones), nothing for any other kind."""
    if distribution.kind != ResponseChannel.WIDGET:
        return []
    origins = distribution.allowed_origins if isinstance(distribution.allowed_origins, list) else []
    return [origin for origin in map(web_origin, origins) if origin]


def script_url(distribution: Distribution) -> str:
    return settings.SITE_URL + reverse("survey_widget:script", args=[distribution.public_token])


# --- The script -------------------------------------------------------------------------------


def _script_config(distribution: Distribution) -> dict[str, Any]:
    """What the script cannot know by itself: the survey's languages and its own words."""
    survey = distribution.survey
    languages = [code for code in survey.languages if code in LANGUAGE_NAMES]
    labels = {}
    for code in languages:
        with translation.override(code):
            labels[code] = {"open": _("Give feedback"), "close": pgettext("dialog", "Close")}
    return {
        "title": survey.name,
        "languages": languages,
        "defaultLanguage": survey.default_language,
        "labels": labels,
    }


def _script_source(distribution: Distribution) -> str:
    source = SCRIPT_PATH.read_text(encoding="utf-8")
    config = json.dumps(_script_config(distribution), ensure_ascii=True)
    return source.replace(CONFIG_PLACEHOLDER, config, 1)


@require_http_methods(["GET", "HEAD"])
def widget_script(request: HttpRequest, token: str) -> HttpResponse:
    """The widget script for one widget distribution; the link's 404 for anything else."""
    if guessing(request):
        return too_many(request)
    distribution = resolve_token(request, token)
    if distribution is None or distribution.kind != ResponseChannel.WIDGET:
        return not_found(request)
    response = HttpResponse(
        _script_source(distribution), content_type="application/javascript; charset=utf-8"
    )
    patch_cache_control(response, public=True, max_age=SCRIPT_MAX_AGE)
    return response


# --- The embedded pages -----------------------------------------------------------------------


class EmbedLink(Entry):
    """The public link's page flow inside the widget's frame: every URL carries the host
    page's origin and the submission id, because the frame cannot keep cookies."""

    url_names = {"page": "embed", "thanks": "embed_thanks"}

    def __init__(self, distribution: Distribution, token: str, request: HttpRequest) -> None:
        super().__init__(distribution, token)
        wanted = web_origin(request.GET.get("origin", ""))
        self.parent_origin = wanted if wanted in widget_origins(distribution) else ""
        self.submission_id = ""

    def url(self, name: str, **params: Any) -> str:
        return super().url(
            self.url_names[name], **params, origin=self.parent_origin, sid=self.submission_id
        )

    def existing(self, request: HttpRequest) -> Response | None:
        found = self._from_url(request) or super().existing(request)
        if found is not None:
            self.submission_id = str(found.submission_id)
        return found

    def _from_url(self, request: HttpRequest) -> Response | None:
        try:
            submission_id = uuid.UUID(request.GET.get("sid", ""))
        except ValueError:
            return None
        return (
            Response.objects.select_related("version")
            .filter(survey_id=self.distribution.survey_id, submission_id=submission_id)
            .first()
        )

    def new_submission_id(self) -> str:
        self.submission_id = super().new_submission_id()
        return self.submission_id

    def start(self, request: HttpRequest, language: str) -> Response:
        response = super().start(request, language)
        self.submission_id = str(response.submission_id)
        return response

    def remember(self, http_response: HttpResponse, request: HttpRequest, submission: str) -> None:
        # A cookie in a cross-site frame must be SameSite=None, which browsers accept only
        # over HTTPS (and some refuse anyway): the URL carries the id regardless.
        if request.is_secure():
            http_response.set_cookie(
                COOKIE_NAME,
                submission,
                max_age=COOKIE_MAX_AGE,
                path=reverse("survey_public:page", args=[self.token]),
                httponly=True,
                samesite="None",
                secure=True,
            )

    def template_context(self) -> dict[str, Any]:
        return {"embed": True, "parent_origin": self.parent_origin}


def _from_another_site(request: HttpRequest) -> bool:
    """True for a POST a browser sent from another origin's page (the stand-in for the CSRF
    check, whose cookie a cross-site frame never has)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS


def _post_embedded(request: HttpRequest, entry: EmbedLink) -> HttpResponse:
    if _from_another_site(request):
        return message_page(
            request,
            403,
            _("Answer in the survey itself"),
            _("This form can only be sent from the survey page."),
        )
    return too_many_posts(request, entry) or post_page(request, entry)


@csrf_exempt  # see _from_another_site
@require_http_methods(["GET", "HEAD", "POST"])
def embed_page(request: HttpRequest, token: str) -> HttpResponse:
    if guessing(request):
        return too_many(request)
    distribution = resolve_token(request, token)
    if distribution is None:
        return not_found(request)
    entry = EmbedLink(distribution, token, request)
    if request.method == "POST":
        response = _post_embedded(request, entry)
    else:
        response = get_page(request, entry)
    return allow_framing(response, widget_origins(distribution))


@require_http_methods(["GET", "HEAD"])
def embed_thanks(request: HttpRequest, token: str) -> HttpResponse:
    distribution = resolve_token(request, token)
    if distribution is None:
        return not_found(request)
    entry = EmbedLink(distribution, token, request)
    response = thanks_page(request, entry, entry.existing(request))
    return allow_framing(response, widget_origins(distribution))


# Included at ``w/`` by config/urls.py (the embedded pages live in public/urls.py under ``s/``).
app_name = "survey_widget"
urlpatterns = [path("<str:token>.js", widget_script, name="script")]
