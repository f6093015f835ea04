"""Staff pages of intake: the overview (mailbox, webhook, recent activity) and the feeds.

Managers (`MANAGE_CUSTOMERS`) see the pages and manage feeds; creating or rotating the
mailbox and webhook credentials needs `MANAGE_API_TOKENS` (admins), as API tokens do.
A new secret is rendered once in the POST answer, never stored in the session.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.core.errors import ClearloopError
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.intake import polling, selectors, services, tasks
from clearloop.intake.forms import FeedForm
from clearloop.intake.models import Feed

MANAGE = services.MANAGE_FEEDS


def _overview(request: OrganizationRequest, shown_once: dict[str, str] | None = None) -> Any:
    organization = request.organization
    context = {
        "credentials": selectors.credentials_of(organization=organization),
        "feeds": selectors.feeds_of(organization=organization),
        "events": selectors.events_recent(organization=organization),
        "can_rotate": request.membership.allows(services.MANAGE_CREDENTIALS),
        "domain": getattr(settings, "CLEARLOOP_INBOUND_EMAIL_DOMAIN", "inbound.clearloop.test"),
        "shown_once": shown_once or {},
    }
    response = render(request, "intake/overview.html", context)
    response["Cache-Control"] = "no-store"  # may carry a secret shown once
    return response


@member_required(MANAGE)
def intake_overview(request: OrganizationRequest) -> HttpResponse:
    return _overview(request)


def _endpoint(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(f"api:{name}", args=[token])


@member_required(services.MANAGE_CREDENTIALS)
@require_POST
def intake_email_rotate(request: OrganizationRequest) -> HttpResponse:
    token = services.intake_email_rotate(organization=request.organization, by=request.membership)
    return _overview(
        request,
        {
            "mailbox": services.mailbox_address(token),
            "email_endpoint": _endpoint("intake_email", token),
        },
    )


@member_required(services.MANAGE_CREDENTIALS)
@require_POST
def intake_webhook_rotate(request: OrganizationRequest) -> HttpResponse:
    token, secret = services.intake_webhook_rotate(
        organization=request.organization, by=request.membership
    )
    return _overview(
        request,
        {"webhook_url": _endpoint("intake_webhook", token), "webhook_secret": secret},
    )


# --- Feeds ----------------------------------------------------------------------------


def _feed(request: OrganizationRequest, pk: int) -> Feed:
    return get_for_organization_or_404(Feed, organization=request.organization, pk=pk)


@member_required(MANAGE)
def intake_feeds(request: OrganizationRequest) -> HttpResponse:
    feeds = selectors.feeds_of(organization=request.organization)
    return render(request, "intake/feeds.html", {"feeds": feeds})


def _test_result(form: FeedForm) -> dict[str, Any]:
    """What the Test button shows: how many entries, the first titles, or the error."""
    try:
        parsed = polling.feed_fetch_and_parse(url=form.cleaned_data["url"])
    except ClearloopError as error:
        return {"ok": False, "message": error.message}
    return {"ok": True, "count": len(parsed.entries), "title": parsed.title,
            "samples": [entry.text[:140] for entry in parsed.entries[:3]]}  # fmt: skip


def _feed_form_page(request: OrganizationRequest, feed: Feed | None) -> HttpResponse:
    initial = None
    if feed is not None:
        initial = {
            "name": feed.name,
            "url": feed.url,
            "source": feed.source,
            "language": feed.language,
            "poll_interval_minutes": feed.poll_interval_minutes,
        }
    form = FeedForm(request.POST or None, initial=initial)
    test = None
    if request.method == "POST" and form.is_valid():
        if "test" in request.POST:
            test = _test_result(form)
        else:
            saved = _save_feed(request, form, feed)
            if saved is not None:
                messages.success(request, _("Feed saved. It is polled within a few minutes."))
                return redirect("web:intake_feeds")
    context = {"form": form, "feed": feed, "test": test}
    return render(request, "intake/feed_form.html", context, status=400 if form.errors else 200)


def _save_feed(request: OrganizationRequest, form: FeedForm, feed: Feed | None) -> Feed | None:
    try:
        if feed is None:
            return services.feed_create(
                organization=request.organization, values=form.values(), by=request.membership
            )
        return services.feed_update(feed=feed, values=form.values(), by=request.membership)
    except ClearloopError as error:
        field = next(iter(error.fields), None)
        form.add_error(field if field in form.fields else None, error.message)
        return None


@member_required(MANAGE)
def intake_feed_new(request: OrganizationRequest) -> HttpResponse:
    return _feed_form_page(request, None)


@member_required(MANAGE)
def intake_feed_edit(request: OrganizationRequest, pk: int) -> HttpResponse:
    return _feed_form_page(request, _feed(request, pk))


@member_required(MANAGE)
@require_POST
def intake_feed_toggle(request: OrganizationRequest, pk: int) -> HttpResponse:
    feed = _feed(request, pk)
    services.feed_set_active(feed=feed, active=not feed.active, by=request.membership)
    messages.success(request, _("Feed resumed.") if feed.active else _("Feed paused."))
    return redirect("web:intake_feeds")


@member_required(MANAGE)
@require_POST
def intake_feed_poll(request: OrganizationRequest, pk: int) -> HttpResponse:
    feed = _feed(request, pk)
    if not feed.active:
        messages.error(request, _("Resume the feed before polling it."))
        return redirect("web:intake_feeds")
    polling.feed_poll_now(feed=feed)
    tasks.feed_poll.enqueue(feed.pk)
    messages.success(request, _("Polling %(name)s now.") % {"name": feed.name})
    return redirect("web:intake_feeds")


@member_required(MANAGE)
@require_POST
def intake_feed_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    feed = _feed(request, pk)
    services.feed_delete(feed=feed, by=request.membership)
    messages.success(request, _("Feed removed; the feedback it brought in stays."))
    return redirect("web:intake_feeds")
