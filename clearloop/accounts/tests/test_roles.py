from clearloop.accounts.roles import Capability, Role, role_allows, role_may_grant


def test_owner_has_every_capability():
    assert all(role_allows(Role.OWNER, capability) for capability in Capability)


def test_viewer_only_reads():
    assert role_allows(Role.VIEWER, Capability.VIEW_DASHBOARDS)
    assert not role_allows(Role.VIEWER, Capability.WORK_CASES)
    assert not role_allows(Role.VIEWER, Capability.MANAGE_SURVEYS)


def test_agent_works_cases_but_does_not_build_surveys():
    assert role_allows(Role.AGENT, Capability.WORK_CASES)
    assert not role_allows(Role.AGENT, Capability.MANAGE_SURVEYS)
    assert not role_allows(Role.AGENT, Capability.MANAGE_MEMBERS)


def test_analyst_builds_surveys_and_exports_but_does_not_work_cases():
    assert role_allows(Role.ANALYST, Capability.MANAGE_SURVEYS)
    assert role_allows(Role.ANALYST, Capability.EXPORT_DATA)
    assert not role_allows(Role.ANALYST, Capability.WORK_CASES)


def test_only_owner_deletes_the_organization():
    holders = [role for role in Role if role_allows(role, Capability.DELETE_ORGANIZATION)]
    assert holders == [Role.OWNER]


def test_admin_grants_up_to_admin_but_not_owner():
    assert role_may_grant(Role.ADMIN, Role.ADMIN)
    assert not role_may_grant(Role.ADMIN, Role.OWNER)
    assert role_may_grant(Role.OWNER, Role.OWNER)
    assert not role_may_grant(Role.MANAGER, Role.ADMIN)


def test_unknown_role_allows_nothing():
    assert not role_allows("superhero", Capability.VIEW_DASHBOARDS)
