import re

import pytest
from django.test import Client
from django.urls import reverse

from clearloop.accounts.models import MemberInvitation, Membership, Team, User
from clearloop.accounts.roles import Role
from clearloop.accounts.services import (
    invitation_create,
    invitation_issue_token,
    invitation_send,
)
from clearloop.accounts.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _invitation_path(body: str) -> str:
    return re.search(r"/accounts/invitations/[\w-]+/", body).group(0)


def test_invited_teammate_creates_account_and_joins_with_the_role(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.client().post(
            reverse("accounts:members"), {"email": "dave@acme.test", "role": Role.ANALYST}
        )
    assert response.status_code == 302
    [body] = smtp_server.bodies_to("dave@acme.test")
    assert "Acme Support" in body
    client = Client()
    path = _invitation_path(body)
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "full_name": "Dave Diaz",
            "password": "a-good-long-passphrase",
            "language": "ja",
            "time_zone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 302
    dave = User.objects.get(email="dave@acme.test")
    assert dave.language == "ja"
    assert Membership.objects.get(user=dave).role == Role.ANALYST
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get(path).status_code == 404  # single use


def _invite(alice, email: str) -> tuple[MemberInvitation, str]:
    invitation = invitation_create(
        organization=alice.organization, email=email, role=Role.AGENT, by=alice.membership
    )
    return invitation, invitation_issue_token(invitation=invitation)


def test_invitation_stores_only_a_hash_of_its_token(alice):
    invitation, token = _invite(alice, "e@acme.test")
    assert token not in invitation.token_hash
    assert not MemberInvitation.objects.filter(token_hash=token).exists()


def test_sending_twice_sends_a_new_link_and_the_old_one_stops_working(alice, smtp_server):
    invitation = invitation_create(
        organization=alice.organization, email="f@acme.test", role=Role.AGENT, by=alice.membership
    )
    assert invitation_send(invitation_id=invitation.pk)
    assert invitation_send(invitation_id=invitation.pk)
    first, second = (_invitation_path(body) for body in smtp_server.bodies_to("f@acme.test"))
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_accepted_invitation_is_not_sent_again(alice, smtp_server):
    invitation, _token = _invite(alice, "g@acme.test")
    MemberInvitation.objects.filter(pk=invitation.pk).update(status="accepted")
    assert not invitation_send(invitation_id=invitation.pk)
    assert smtp_server.bodies_to("g@acme.test") == []


def test_resend_from_the_members_page(alice, smtp_server, django_capture_on_commit_callbacks):
    invitation, _token = _invite(alice, "h@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.client().post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    assert len(smtp_server.bodies_to("h@acme.test")) == 1


def test_invitation_for_another_address_is_refused(alice, charlie):
    _invitation, token = _invite(alice, "someone@acme.test")
    client = charlie.client()
    client.post(reverse("accounts:accept_invitation", args=[token]))
    assert not Membership.objects.filter(
        user=charlie.user, organization=alice.organization
    ).exists()


def test_unknown_invitation_token_is_404():
    assert Client().get(reverse("accounts:accept_invitation", args=["nope"])).status_code == 404


def test_agent_cannot_open_member_management(bob):
    assert bob.client().get(reverse("accounts:members")).status_code == 403


def test_admin_cannot_invite_an_owner(acme):
    admin = MembershipFactory(organization=acme, role=Role.ADMIN)
    client = Client()
    client.force_login(admin.user)
    client.post(reverse("accounts:members"), {"email": "x@acme.test", "role": Role.OWNER})
    assert not MemberInvitation.objects.filter(email="x@acme.test").exists()


def test_last_owner_cannot_be_demoted(alice):
    response = alice.client().post(
        reverse("accounts:member_role", args=[alice.membership.pk]),
        {"role": Role.VIEWER},
        follow=True,
    )
    alice.membership.refresh_from_db()
    assert alice.membership.role == Role.OWNER
    assert "at least one owner" in response.content.decode()


def test_switching_to_an_organization_you_belong_to(alice, globex):
    Membership.objects.create(organization=globex, user=alice.user, role=Role.VIEWER)
    client = alice.client()
    response = client.post(
        reverse("accounts:switch_organization"), {"organization": globex.pk}, follow=True
    )
    assert response.status_code == 200
    assert response.context["current_organization"] == globex


def test_choosing_a_language_is_remembered_on_the_account(alice):
    client = alice.client()
    response = client.post(
        reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"}
    )
    assert response.status_code == 302
    alice.user.refresh_from_db()
    assert alice.user.language == "zh-hans"
    page = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "zh-hans"


def test_preferences_time_zone_renders_dates_in_it(alice):
    client = alice.client()
    client.post(
        reverse("accounts:preferences"),
        {"full_name": "Alice", "language": "en", "time_zone": "Asia/Tokyo"},
    )
    alice.user.refresh_from_db()
    assert alice.user.time_zone == "Asia/Tokyo"
    assert client.get(reverse("web:home")).context["TIME_ZONE"] == "Asia/Tokyo"


class TestAnotherOrganizationGets404:
    """charlie (Globex) reaches for Acme's objects by id: every one answers 404."""

    @pytest.fixture
    def acme_objects(self, alice):
        team = Team.objects.create(organization=alice.organization, name="Phone")
        invitation = invitation_create(
            organization=alice.organization,
            email="z@acme.test",
            role=Role.AGENT,
            by=alice.membership,
        )
        from clearloop.accounts.services import api_token_create

        token, _ = api_token_create(
            organization=alice.organization, name="t", role=Role.VIEWER, by=alice.membership
        )
        return {
            "team": team,
            "invitation": invitation,
            "token": token,
            "membership": alice.membership,
        }

    @pytest.mark.parametrize(
        "url_name,key,method",
        [
            ("accounts:team_edit", "team", "get"),
            ("accounts:team_delete", "team", "post"),
            ("accounts:invitation_revoke", "invitation", "post"),
            ("accounts:invitation_resend", "invitation", "post"),
            ("accounts:api_token_revoke", "token", "post"),
            ("accounts:member_role", "membership", "post"),
            ("accounts:member_remove", "membership", "post"),
        ],
    )
    def test_foreign_object_is_not_found(self, charlie, acme_objects, url_name, key, method):
        url = reverse(url_name, args=[acme_objects[key].pk])
        response = getattr(charlie.client(), method)(url, {"role": Role.VIEWER})
        assert response.status_code == 404
        assert type(acme_objects[key]).objects.filter(pk=acme_objects[key].pk).exists()

    def test_switching_into_a_foreign_organization_is_not_found(self, charlie, acme):
        response = charlie.client().post(
            reverse("accounts:switch_organization"), {"organization": acme.pk}
        )
        assert response.status_code == 404


def test_team_members_must_belong_to_the_organization(alice, charlie):
    team = Team.objects.create(organization=alice.organization, name="Chat")
    response = alice.client().post(
        reverse("accounts:team_edit", args=[team.pk]),
        {"name": "Chat", "description": "", "members": [charlie.user.pk]},
    )
    assert response.status_code == 200
    assert "not members of this organization" in response.content.decode()
    assert team.members.count() == 0
