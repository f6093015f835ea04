"""Template filters of the goal and alert pages: a figure in its metric's style, the
outlook badge, the progress bar's width step."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from clearloop.goals.forecast import Outlook

register = template.Library()


@register.filter
def figure(value: float | None, style: str) -> str:
    if value is None:
        return "\u2013"
    if style == "score":
        return f"{value:+.0f}" if round(value) else "0"
    if style == "percent":
        return f"{value:.1f}%"
    if style == "seconds":
        minutes, seconds = divmod(round(value), 60)
        if minutes < 60:
            return f"{minutes}:{seconds:02d}"
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{value:.2f}"


@register.filter
def outlook_label(outlook: str) -> str:
    return {
        Outlook.ON_TRACK: _("On track"),
        Outlook.AT_RISK: _("At risk"),
        Outlook.OFF_TRACK: _("Off track"),
    }.get(Outlook(outlook), _("Not enough data"))


@register.filter
def outlook_tone(outlook: str) -> str:
    return {Outlook.ON_TRACK: "good", Outlook.AT_RISK: "warn", Outlook.OFF_TRACK: "bad"}.get(
        Outlook(outlook), "info"
    )


@register.filter
def bar_step(share: float | None) -> int:
    """0…20: the progress bar's width in 5% steps (CSS classes, no inline styles)."""
    if share is None:
        return 0
    return round(20 * min(1.0, max(0.0, share)))


@register.filter
def percent(probability: float | None) -> str:
    return "\u2013" if probability is None else f"{100 * probability:.0f}%"
