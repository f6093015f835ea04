"""Creates and removes the demo organization, "Lumen Home & Living".

`demo_seed` writes the plan from `generator.generate_plan` in one transaction with batched
bulk inserts, so the default size (600 customers, 3,000 responses) takes seconds even on
SQLite. Everyone in the demo signs in with `settings.CLEARLOOP_DEMO_PASSWORD`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from clearloop.accounts.models import Membership, Organization, Team, User
from clearloop.accounts.roles import Role
from clearloop.accounts.services import member_add, organization_create, team_create
from clearloop.accounts.tokens import digest, new_secret
from clearloop.cases.models import Case
from clearloop.core.errors import Conflict, ValidationFailed
from clearloop.customers.models import Customer, Interaction, Order
from clearloop.demo.cases import demo_cases
from clearloop.demo.generator import generate_plan
from clearloop.demo.plan import DemoPlan, DistributionPlan, InvitationPlan, SurveyPlan
from clearloop.demo.reference import (
    EMAIL_DOMAIN,
    ORGANIZATION_NAME,
    ORGANIZATION_TIME_ZONE,
    OWNER,
    PEOPLE,
    PRODUCTS,
    Person,
    TeamSpec,
)
from clearloop.demo.timeline import Timeline
from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.services import feedback_items_added
from clearloop.surveys.models import (
    Answer,
    ContactOptOut,
    Distribution,
    InvitationStatus,
    Question,
    Response,
    Survey,
    SurveyInvitation,
    SurveyVersion,
)
from clearloop.surveys.services import distribution_create, distribution_update

BATCH_SIZE = 1000
M = TypeVar("M", bound=models.Model)
VersionKey = tuple[str, int]  # (survey key, version number)


def demo_organization() -> Organization | None:
    """The demo organization: the one with the demo's name that the demo owner owns."""
    return Organization.objects.filter(
        name=ORGANIZATION_NAME,
        memberships__user__email=OWNER.email,
        memberships__role=Role.OWNER,
    ).first()


def any_organization_exists() -> bool:
    return Organization.objects.exists()


def demo_logins() -> tuple[Person, ...]:
    return PEOPLE


@transaction.atomic
def demo_seed(
    *,
    seed: int = 7,
    customers: int = 600,
    responses: int = 3000,
    anchor: dt.date | None = None,
    reset: bool = False,
) -> Organization:
    """Create the demo organization; with `reset`, delete the existing one first.

    `anchor` is the day the data leads up to (yesterday is its last full day); it
    defaults to today in the organization's time zone.
    """
    if customers < 1 or responses < 0:
        raise ValidationFailed("The demo needs at least one customer and no negative counts.")
    if reset:
        demo_delete()
    elif demo_organization() is not None:
        raise Conflict(
            "The demo organization already exists. Run `manage.py seed_demo --reset` to rebuild it."
        )
    anchor = anchor or timezone.localdate(timezone=ZoneInfo(ORGANIZATION_TIME_ZONE))
    return _write(generate_plan(seed=seed, customers=customers, responses=responses, anchor=anchor))


@transaction.atomic
def demo_delete() -> bool:
    """Delete the demo organization with everything in it, and demo people who belong to
    no other organization. Returns whether there was a demo to delete."""
    organization = demo_organization()
    if organization is not None:
        _delete_bulk_rows(organization)
        organization.delete()
    User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", memberships__isnull=True).delete()
    return organization is not None


# Children before parents, so each delete is one query (the ORM's cascade would load
# every row into memory first; measured: 6.6 s instead of well under one).
BULK_MODELS: tuple[type[models.Model], ...] = (
    SurveyInvitation,
    ContactOptOut,
    FeedbackItem,
    Answer,
    Response,
    Distribution,
    Question,
    SurveyVersion,
    Survey,
    Interaction,
    Order,
    Customer,
)


def _delete_bulk_rows(organization: Organization) -> None:
    for model in BULK_MODELS:
        model._default_manager.filter(organization=organization).delete()


def demo_summary(*, organization: Organization) -> dict[str, int]:
    """Row counts for the command's report."""
    return {
        "customers": Customer.objects.for_organization(organization).count(),
        "orders": Order.objects.for_organization(organization).count(),
        "interactions": Interaction.objects.for_organization(organization).count(),
        "responses": Response.objects.for_organization(organization).count(),
        "answers": Answer.objects.for_organization(organization).count(),
        "feedback items": FeedbackItem.objects.for_organization(organization).count(),
        "distributions": Distribution.objects.for_organization(organization).count(),
        "invitations": SurveyInvitation.objects.for_organization(organization).count(),
        "opt-outs": ContactOptOut.objects.for_organization(organization).count(),
        "cases": Case.objects.for_organization(organization).count(),
    }


def _bulk(model: type[M], objects: Sequence[M]) -> list[M]:
    return model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)


def _pk(rows: Sequence[models.Model], index: int | None) -> int | None:
    """The primary key of the row a plan refers to by position, if it refers to one.

    Rows are linked by id rather than instance: assigning thousands of related instances
    costs the ORM more than the inserts themselves."""
    return rows[index].pk if index is not None else None


def _write(plan: DemoPlan) -> Organization:
    users = _people(plan.people)
    organization = organization_create(
        name=ORGANIZATION_NAME,
        owner=users[OWNER.local_part],
        default_language="en",
        time_zone=ORGANIZATION_TIME_ZONE,
    )
    for person in plan.people:
        if person != OWNER:
            member_add(organization=organization, user=users[person.local_part], role=person.role)
    teams = _teams(organization, plan.teams, users)
    customers = _customers(organization, plan)
    interactions = _interactions(organization, plan, customers, users, teams)
    _orders(organization, plan, customers)
    surveys, versions, questions = _surveys(organization, plan.surveys)
    distributions = _distributions(organization, plan.distributions, surveys)
    responses = _responses(
        organization, plan, customers, interactions, (surveys, versions, questions), distributions
    )
    _feedback(organization, plan, customers, responses)
    _invitations(organization, plan, customers, interactions, responses, distributions)
    _opt_outs(organization, plan)
    demo_cases(organization=organization)
    return organization


def _distributions(
    organization: Organization, plans: Sequence[DistributionPlan], surveys: dict[str, Survey]
) -> dict[str, Distribution]:
    """Every way the demo's surveys reach customers, with their settings. Each live survey
    has a public link, so the demo can be answered as a customer."""
    owner = Membership.objects.get(organization=organization, role=Role.OWNER)
    distributions = {}
    for plan in plans:
        distribution = distribution_create(
            survey=surveys[plan.survey], kind=plan.kind, name=plan.name, by=owner
        )
        distribution = distribution_update(
            distribution=distribution,
            by=owner,
            contact_frequency_days=plan.contact_frequency_days,
            reminder_count=plan.reminder_count,
            reminder_delay_hours=plan.reminder_delay_hours,
            send_delay_minutes=plan.send_delay_minutes,
            allowed_origins=list(plan.allowed_origins),
        )
        distributions[plan.key] = distribution
    return distributions


def _people(people: Sequence[Person]) -> dict[str, User]:
    """Create the demo's people, or refresh them if they are left from an earlier demo."""
    # One hash for everyone: hashing is slow on purpose (about 0.3 s each with Argon2),
    # and every demo login shares the one published demo password anyway.
    password = make_password(settings.CLEARLOOP_DEMO_PASSWORD)
    existing = {
        user.email: user for user in User.objects.filter(email__in=[p.email for p in people])
    }
    users = {}
    for person in people:
        user = existing.get(person.email) or User(email=person.email)
        user.full_name, user.language, user.time_zone = (
            person.full_name,
            person.language,
            person.time_zone,
        )
        user.password = password
        user.save()
        users[person.local_part] = user
    return users


def _teams(
    organization: Organization, specs: Sequence[TeamSpec], users: dict[str, User]
) -> dict[str, Team]:
    teams = {}
    for spec in specs:
        teams[spec.name] = team_create(
            organization=organization,
            name=spec.name,
            description=spec.description,
            member_ids=[users[member].pk for member in spec.members],
        )
    return teams


def _customers(organization: Organization, plan: DemoPlan) -> list[Customer]:
    return _bulk(
        Customer,
        [
            Customer(
                organization_id=organization.pk,
                external_id=c.external_id,
                name=c.name,
                email=c.email,
                phone=c.phone,
                language=c.language,
                region=c.region,
                country=c.country,
                segment=c.segment,
                attributes=c.attributes,
            )
            for c in plan.customers
        ],
    )


def _orders(organization: Organization, plan: DemoPlan, customers: list[Customer]) -> None:
    _bulk(
        Order,
        [
            Order(
                organization_id=organization.pk,
                customer_id=customers[o.customer].pk,
                external_id=o.external_id,
                product=PRODUCTS[o.product].name,
                amount=o.amount,
                currency=o.currency,
                ordered_at=o.ordered_at,
            )
            for o in plan.orders
        ],
    )


def _interactions(
    organization: Organization,
    plan: DemoPlan,
    customers: list[Customer],
    users: dict[str, User],
    teams: dict[str, Team],
) -> list[Interaction]:
    return _bulk(
        Interaction,
        [
            Interaction(
                organization_id=organization.pk,
                customer_id=customers[i.customer].pk,
                external_id=i.external_id,
                channel=i.channel,
                agent_id=users[i.agent].pk if i.agent else None,
                team_id=teams[i.team].pk if i.team else None,
                started_at=i.started_at,
                ended_at=i.ended_at,
                wait_seconds=i.wait_seconds,
                resolved_on_first_contact=i.resolved_on_first_contact,
                notes=i.notes,
            )
            for i in plan.interactions
        ],
    )


def _surveys(
    organization: Organization, plans: Sequence[SurveyPlan]
) -> tuple[
    dict[str, Survey], dict[VersionKey, SurveyVersion], dict[tuple[str, int, str], Question]
]:
    surveys: dict[str, Survey] = {}
    versions: dict[VersionKey, SurveyVersion] = {}
    questions: dict[tuple[str, int, str], Question] = {}
    for plan in plans:
        surveys[plan.key] = Survey.objects.create(
            organization=organization,
            name=plan.name,
            status=plan.status,
            default_language="en",
            languages=list(plan.languages),
        )
        for version_plan in plan.versions:
            version = SurveyVersion.objects.create(
                organization=organization,
                survey=surveys[plan.key],
                number=version_plan.number,
                published_at=version_plan.published_at,
            )
            versions[plan.key, version.number] = version
            for position, q in enumerate(version_plan.questions):
                questions[plan.key, version.number, q.key] = Question(
                    organization=organization,
                    version=version,
                    key=q.key,
                    kind=q.kind,
                    position=position,
                    required=q.required,
                    texts=q.texts,
                    options=q.options,
                )
    _bulk(Question, list(questions.values()))
    return surveys, versions, questions


def _responses(
    organization: Organization,
    plan: DemoPlan,
    customers: list[Customer],
    interactions: list[Interaction],
    survey_rows: tuple[
        dict[str, Survey], dict[VersionKey, SurveyVersion], dict[tuple[str, int, str], Question]
    ],
    distributions: dict[str, Distribution],
) -> list[Response]:
    surveys, versions, questions = survey_rows
    responses = _bulk(
        Response,
        [
            Response(
                organization_id=organization.pk,
                survey_id=surveys[r.survey].pk,
                version_id=versions[r.survey, r.version].pk,
                customer_id=_pk(customers, r.customer),
                interaction_id=_pk(interactions, r.interaction),
                distribution_id=distributions[r.distribution].pk,
                channel=r.channel,
                language=r.language,
                hidden_fields=r.hidden_fields,
                started_at=r.started_at,
                completed_at=r.completed_at,
            )
            for r in plan.responses
        ],
    )
    _bulk(
        Answer,
        [
            Answer(
                organization_id=organization.pk,
                response_id=response.pk,
                question_id=questions[r.survey, r.version, a.question].pk,
                row=a.row,
                number=a.number,
                choices=list(a.choices),
                text=a.text,
            )
            for r, response in zip(plan.responses, responses, strict=True)
            for a in r.answers
        ],
    )
    return responses


def _feedback(
    organization: Organization, plan: DemoPlan, customers: list[Customer], responses: list[Response]
) -> None:
    _bulk(
        FeedbackItem,
        [
            FeedbackItem(
                organization_id=organization.pk,
                source=f.source,
                customer_id=_pk(customers, f.customer),
                response_id=_pk(responses, f.response),
                language=f.language,
                text=f.text,
                rating=f.rating,
                occurred_at=f.occurred_at,
                external_id=f.external_id,
                metadata=f.metadata,
            )
            for f in plan.feedback
        ],
    )
    # Searchable and tagged like any feedback written through the product.
    item_ids = list(
        FeedbackItem.objects.filter(organization=organization).values_list("pk", flat=True)
    )
    feedback_items_added(organization_id=organization.pk, item_ids=item_ids)


def _invitations(
    organization: Organization,
    plan: DemoPlan,
    customers: list[Customer],
    interactions: list[Interaction],
    responses: list[Response],
    distributions: dict[str, Distribution],
) -> None:
    # The plan stops at the horizon (midnight); queued invitations should still be waiting
    # when the demo is used, so they move on by the time since then.
    shift = max(dt.timedelta(0), timezone.now() - Timeline.ending_before(plan.anchor).horizon)
    _bulk(
        SurveyInvitation,
        [
            SurveyInvitation(
                organization_id=organization.pk,
                distribution_id=distributions[i.distribution].pk,
                customer_id=customers[i.customer].pk,
                interaction_id=_pk(interactions, i.interaction),
                response_id=_pk(responses, i.response),
                email=i.email,
                language=i.language,
                # Random and unusable: no link to these invitations exists. Sending and
                # reminding issue a fresh token, as for any invitation.
                token_hash=digest(new_secret()),
                status=i.status,
                hidden_fields=i.hidden_fields,
                sent_at=i.sent_at,
                opened_at=i.opened_at,
                reminders_sent=i.reminders_sent,
                last_reminder_at=i.last_reminder_at,
                next_reminder_at=i.next_reminder_at,
                error=i.error,
                **_waiting(i, shift),
            )
            for i in plan.invitations
        ],
    )


def _waiting(invitation: InvitationPlan, shift: dt.timedelta) -> dict[str, dt.datetime | None]:
    if invitation.status != InvitationStatus.QUEUED:
        return {"send_after": invitation.send_after, "expires_at": invitation.expires_at}
    assert invitation.send_after is not None
    return {
        "send_after": invitation.send_after + shift,
        "expires_at": invitation.expires_at + shift,
    }


def _opt_outs(organization: Organization, plan: DemoPlan) -> None:
    _bulk(
        ContactOptOut,
        [
            ContactOptOut(organization_id=organization.pk, email=o.email, source=o.source)
            for o in plan.opt_outs
        ],
    )
