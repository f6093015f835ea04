"""Writes of analytics: the organization's analytics settings (the minimum n below which
figures are greyed out, and the CSI weights). Figures themselves are derived data and are
never written here (rollups rebuild them)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from clearloop.accounts.models import Organization
from clearloop.accounts.roles import Capability
from clearloop.analytics.models import AnalyticsSettings
from clearloop.core.errors import ValidationFailed

# Managers set the goals the figures are judged by, so they also set how figures are
# shown; a capability of its own would live in accounts/roles.py.
SETTINGS_CAPABILITY = Capability.MANAGE_GOALS
MINIMUM_N_RANGE = (1, 10_000)


def _clean_minimum_n(value: Any) -> int:
    low, high = MINIMUM_N_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            f"minimum_n must be a whole number from {low} to {high}, not {value!r}.",
            fields={"minimum_n": [f"A whole number from {low} to {high}."]},
        )
    return value


def _clean_weights(weights: Any, known_keys: set[str]) -> dict[str, float]:
    """Non-negative numbers per known matrix row key, at least one above zero; {} means
    "weights from the key-driver analysis"."""
    if not isinstance(weights, Mapping):
        raise ValidationFailed(
            'csi_weights must be an object like {"quality": 2, "price": 1}, or {} for '
            "weights from the key-driver analysis.",
            fields={"csi_weights": ["Not an object."]},
        )
    cleaned: dict[str, float] = {}
    for key, value in weights.items():
        if key not in known_keys:
            known = ", ".join(sorted(known_keys)) or "none yet"
            raise ValidationFailed(
                f"No attribute {key!r} in your surveys' matrix questions (known: {known}).",
                fields={"csi_weights": [f"Unknown attribute {key!r}."]},
            )
        number_ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not number_ok or not math.isfinite(value) or value < 0:
            raise ValidationFailed(
                f"The weight of {key!r} must be a number of 0 or more, not {value!r}.",
                fields={"csi_weights": [f"Bad weight for {key!r}."]},
            )
        cleaned[str(key)] = float(value)
    if cleaned and not any(value > 0 for value in cleaned.values()):
        raise ValidationFailed(
            "At least one CSI weight must be above 0 (or leave them all empty to take the "
            "weights from the key-driver analysis).",
            fields={"csi_weights": ["All weights are 0."]},
        )
    return cleaned


def attribute_keys(*, organization: Organization) -> set[str]:
    from clearloop.analytics.selectors import driver_questions

    return {
        key
        for question in driver_questions(organization=organization)
        for key, _label in question.rows
    }


@transaction.atomic
def analytics_settings_update(
    *,
    organization: Organization,
    minimum_n: Any = None,
    csi_weights: Any = None,
) -> AnalyticsSettings:
    """Change the minimum n and/or the CSI weights (None: leave as is). Bad values raise
    ValidationFailed naming the field; nothing is saved then."""
    row, _created = AnalyticsSettings.objects.select_for_update().get_or_create(
        organization=organization
    )
    changed = []
    if minimum_n is not None:
        row.minimum_n = _clean_minimum_n(minimum_n)
        changed.append("minimum_n")
    if csi_weights is not None:
        row.csi_weights = _clean_weights(csi_weights, attribute_keys(organization=organization))
        changed.append("csi_weights")
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
    return row
