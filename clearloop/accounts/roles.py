"""Roles and what each may do. Pure data: views, API permissions and templates ask
`role_allows(role, capability)` and never compare role names themselves."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    ANALYST = "analyst", _("Analyst")
    AGENT = "agent", _("Agent")
    VIEWER = "viewer", _("Viewer")


class Capability(StrEnum):
    VIEW_DASHBOARDS = "view_dashboards"
    VIEW_CUSTOMERS = "view_customers"
    VIEW_FEEDBACK = "view_feedback"
    VIEW_CASES = "view_cases"
    WORK_CASES = "work_cases"
    MANAGE_SURVEYS = "manage_surveys"
    MANAGE_CUSTOMERS = "manage_customers"
    EXPORT_DATA = "export_data"
    MANAGE_CASE_RULES = "manage_case_rules"
    MANAGE_GOALS = "manage_goals"
    MANAGE_TEAMS = "manage_teams"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_API_TOKENS = "manage_api_tokens"
    MANAGE_ORGANIZATION = "manage_organization"
    ERASE_CUSTOMER_DATA = "erase_customer_data"
    DELETE_ORGANIZATION = "delete_organization"


_READ = {
    Capability.VIEW_DASHBOARDS,
    Capability.VIEW_CUSTOMERS,
    Capability.VIEW_FEEDBACK,
    Capability.VIEW_CASES,
}
_AGENT = _READ | {Capability.WORK_CASES}
_ANALYST = _READ | {Capability.MANAGE_SURVEYS, Capability.EXPORT_DATA}
_MANAGER = (
    _AGENT
    | _ANALYST
    | {
        Capability.MANAGE_CUSTOMERS,
        Capability.MANAGE_CASE_RULES,
        Capability.MANAGE_GOALS,
        Capability.MANAGE_TEAMS,
    }
)
_ADMIN = _MANAGER | {
    Capability.MANAGE_MEMBERS,
    Capability.MANAGE_API_TOKENS,
    Capability.MANAGE_ORGANIZATION,
    Capability.ERASE_CUSTOMER_DATA,
}
_OWNER = _ADMIN | {Capability.DELETE_ORGANIZATION}

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: frozenset(_OWNER),
    Role.ADMIN: frozenset(_ADMIN),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ANALYST: frozenset(_ANALYST),
    Role.AGENT: frozenset(_AGENT),
    Role.VIEWER: frozenset(_READ),
}

# Higher rank may grant roles up to its own rank and no higher.
RANK = {
    Role.VIEWER: 0,
    Role.AGENT: 1,
    Role.ANALYST: 1,
    Role.MANAGER: 2,
    Role.ADMIN: 3,
    Role.OWNER: 4,
}


def role_allows(role: str, capability: Capability | str) -> bool:
    return Capability(capability) in CAPABILITIES.get(role, frozenset())


def role_may_grant(granter: str, role: str) -> bool:
    """An admin may invite admins but not owners; only an owner makes owners."""
    return RANK.get(Role(granter), -1) >= RANK[Role(role)]
