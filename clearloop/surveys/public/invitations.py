"""Personal invitation links, ``/i/<token>/``, and their opt-out page.

The token in the path is the whole credential: it is looked up by its SHA-256, binds the
respondent to one invitation (its survey, organization, customer and response), and is
spent once that response is complete. Unknown, expired, answered and opted-out links all
get the same page and status, so a link reveals nothing about which case it is; every
such lookup counts towards the per-address guessing limit the ``/s/`` views use. The
survey pages themselves are the ``/s/`` page flow (`views.get_page`, `views.post_page`).
The first GET of an open link records when the invitation was opened (the funnel).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clearloop.surveys import inviting
from clearloop.surveys.models import InvitationStatus, OptOutSource, Response, SurveyInvitation
from clearloop.surveys.public import views
from clearloop.surveys.public.views import (
    Entry,
    guessing,
    message_page,
    misses_per_minute,
    over_limit,
    too_many,
)


class InvitationLink(Entry):
    """The page flow for one personal invitation: its response is the one bound to the
    invitation (no cookie needed), started with the invitation's customer, language and
    hidden fields; completing it spends the link."""

    namespace = "survey_invitation"

    def __init__(self, invitation: SurveyInvitation, token: str) -> None:
        super().__init__(invitation.distribution, token)
        self.invitation = invitation

    def preferred_language(self) -> str | None:
        return self.invitation.language

    def existing(self, request: HttpRequest) -> Response | None:
        return self.invitation.response

    def check_hidden(self, hidden_token: str) -> None:
        """Hidden fields come from the invitation; anything in the URL is ignored."""

    def start(self, request: HttpRequest, language: str) -> Response:
        return inviting.invitation_response_start(invitation=self.invitation, language=language)

    def complete(self, response: Response) -> Response:
        return inviting.invitation_response_complete(invitation=self.invitation, response=response)

    def remember(self, http_response: HttpResponse, request: HttpRequest, submission: str) -> None:
        """Nothing to remember: the link itself finds the response again."""


def _closed(request: HttpRequest) -> HttpResponse:
    # One page for unknown, expired, answered and opted-out links: nothing to learn by trying.
    return message_page(
        request,
        404,
        _("This link is closed"),
        _(
            "Personal survey links work once and for a limited time. "
            "If you have already answered, thank you: your answers are saved."
        ),
    )


def _miss(request: HttpRequest) -> HttpResponse:
    over_limit("miss", request, misses_per_minute())
    return _closed(request)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    if guessing(request):
        return too_many(request)
    invitation = inviting.invitation_for_token(token=token)
    if invitation is None:
        return _miss(request)
    entry = InvitationLink(invitation, token)
    if not inviting.invitation_is_open(invitation):
        if request.method == "POST" and invitation.status == InvitationStatus.ANSWERED:
            # The last page posted twice (a double click): the answers are in.
            return HttpResponseRedirect(entry.url("thanks"))
        return _miss(request)
    if request.method != "HEAD":
        # HEAD is what link checkers send; a person's browser sends GET (or POST).
        inviting.invitation_mark_opened(invitation=invitation)
    if request.method != "POST":
        return views.get_page(request, entry)
    return views.too_many_posts(request, entry) or views.post_page(request, entry)


@require_http_methods(["GET", "HEAD"])
def invitation_thanks(request: HttpRequest, token: str) -> HttpResponse:
    if guessing(request):
        return too_many(request)
    invitation = inviting.invitation_for_token(token=token)
    if invitation is None or not (
        invitation.status == InvitationStatus.ANSWERED or inviting.invitation_is_open(invitation)
    ):
        return _miss(request)
    return views.thanks_page(request, InvitationLink(invitation, token), invitation.response)


# RFC 8058 one-click unsubscribe: mail clients POST here with no cookie and no CSRF token.
# Forging that POST needs the signed code from the customer's own email, so CSRF adds nothing.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_opt_out_page(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks to confirm; POST records the opt-out for the whole organization."""
    if guessing(request):
        return too_many(request)
    invitation = inviting.invitation_for_opt_out_code(code)
    if invitation is None:
        return _miss(request)
    done = False
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        source = OptOutSource.ONE_CLICK if one_click else OptOutSource.LINK
        done = inviting.invitation_opt_out(code=code, source=source)
    with translation.override(invitation.language):
        return render(
            request,
            "surveys/public/opt_out.html",
            {"done": done, "organization": invitation.organization.name},
        )
