"""The staff pages of the feedback inbox."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.models import Language
from clearloop.accounts.roles import Capability
from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.selectors import feedback_list

PAGE_SIZE = 50


@member_required(Capability.VIEW_FEEDBACK)
def feedback(request: OrganizationRequest) -> HttpResponse:
    source = request.GET.get("source", "")
    language = request.GET.get("language", "")
    items = feedback_list(organization=request.organization, source=source, language=language)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/feedback.html",
        {
            "page": page,
            "source": source,
            "language": language,
            "source_choices": FeedbackItem._meta.get_field("source").choices,
            "language_choices": Language.choices,
        },
    )
