"""The main navigation, one list for the sidebar and the tests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

# (url name, label, icon id, url names that count as inside this area)
AREAS = [
    ("web:home", _("Dashboard"), "home", ("web:home",)),
    ("web:surveys", _("Surveys"), "surveys", ("web:surveys", "web:survey_")),
    (
        "web:feedback",
        _("Feedback"),
        "feedback",
        ("web:feedback", "web:intake", "web:text", "web:text_"),
    ),
    (
        "web:customers",
        _("Customers"),
        "customers",
        ("web:customers", "web:customers_", "web:customer_", "web:segment", "web:import"),
    ),
    ("web:cases", _("Cases"), "cases", ("web:cases", "web:case_")),
    (
        "web:analytics",
        _("Analytics"),
        "analytics",
        ("web:analytics", "web:analytics_", "web:personas", "web:persona_"),
    ),
    ("web:goals", _("Goals"), "goals", ("web:goals", "web:goal_", "web:alerts", "web:alert_")),
    ("web:settings", _("Settings"), "settings", ("web:settings", "accounts:")),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "membership", None):
        return {}
    match = request.resolver_match
    current = match.view_name if match else ""
    sprite = static("clearloop/icons.svg")
    items = []
    for url_name, label, icon, prefixes in AREAS:
        active = any(
            current == p or (p.endswith((":", "_")) and current.startswith(p)) for p in prefixes
        )
        items.append(
            {
                "url": reverse(url_name),
                "label": label,
                "active": active,
                "icon": format_html('<svg><use href="{}#i-{}"></use></svg>', sprite, icon),
            }
        )
    return {"navigation": items}
