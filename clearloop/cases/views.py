"""Staff pages of cases under /cases/ (`web:` namespace): the queue with filters, saved
views and bulk actions; the case page with its history, reply box, actions and the
customer's timeline; manual opening; settings (rules, goodwill offers, follow-up); and the
customer's public status page (/c/<token>/, no account).

Thin views: parse, call one service or selector, render. Reading needs VIEW_CASES, working
WORK_CASES, settings MANAGE_CASE_RULES; another organization's case is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.models import TIME_ZONE_CHOICES, Membership, Team, User
from clearloop.accounts.roles import Capability
from clearloop.cases import follow_up, hooks, messaging, selectors, services
from clearloop.cases.models import (
    OPEN_STATUSES,
    AssignmentStrategy,
    BusinessHours,
    Case,
    CaseEventKind,
    CasePriority,
    CaseRule,
    CaseStatus,
    GoodwillKind,
    GoodwillOffer,
    Notification,
    RootCause,
    SlaPolicy,
    TeamSetup,
)
from clearloop.cases.rules import CONDITIONS
from clearloop.core.errors import ClearloopError
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.customers.models import Customer, Segment
from clearloop.customers.timeline import customer_timeline
from clearloop.feedback.models import FeedbackItem
from clearloop.surveys.models import Distribution, Response, ResponseChannel
from clearloop.textanalysis.lexicon import SIGNAL_LABELS
from clearloop.textanalysis.selectors import live_topics

PAGE_SIZE = 50
read_cases = member_required(Capability.VIEW_CASES)
work_cases = member_required(Capability.WORK_CASES)
manage_rules = member_required(Capability.MANAGE_CASE_RULES)


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _filters(data: QueryDict) -> selectors.CaseFilters:
    return selectors.CaseFilters(
        view=data.get("view", "") if data.get("view", "") in selectors.BUILT_IN_VIEWS else "",
        status=data.get("status", "") if data.get("status", "") in CaseStatus.values else "",
        priority=data.get("priority", "")
        if data.get("priority", "") in CasePriority.values
        else "",
        owner=_int(data.get("owner")),
        team=_int(data.get("team")),
        q=data.get("q", "")[:100],
        sort=data.get("sort", "due") if data.get("sort", "due") in selectors.SORTS else "due",
        customer=_int(data.get("customer")),
    )


def _query(filters: selectors.CaseFilters) -> str:
    values = {
        "view": filters.view,
        "status": filters.status,
        "priority": filters.priority,
        "owner": filters.owner or "",
        "team": filters.team or "",
        "q": filters.q,
        "sort": "" if filters.sort == "due" else filters.sort,
        "customer": filters.customer or "",
    }
    return urlencode({k: v for k, v in values.items() if v})


def _members(organization_id: int) -> list[User]:
    return [m.user for m in services.members_with(organization_id, Capability.WORK_CASES)]


def _views_with_counts(membership: Membership) -> list[tuple[str, str, int]]:
    labels = {
        "mine": _("My open cases"),
        "breaching_today": _("Breaching today"),
        "unassigned": _("Unassigned"),
        "waiting": _("Waiting on customer"),
        "done": _("Resolved and closed"),
    }
    counts = selectors.view_counts(membership=membership)
    return [(key, labels[key], counts[key]) for key in selectors.BUILT_IN_VIEWS]


@read_cases
def queue(request: OrganizationRequest) -> HttpResponse:
    filters = _filters(request.GET)
    cases = selectors.cases_list(membership=request.membership, filters=filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    organization = request.organization
    context = {
        "page": page,
        "filters": filters,
        "query": _query(filters),
        "saved_views": selectors.saved_views_of(membership=request.membership),
        "statuses": CaseStatus.choices,
        "priorities": CasePriority.choices,
        "members": _members(organization.pk),
        "teams": Team.objects.for_organization(organization),
        "views": _views_with_counts(request.membership),
        "now": timezone.now(),
        "unread": selectors.notifications_unread(membership=request.membership)[:10],
    }
    return render(request, "cases/queue.html", context)


LABELLED_VALUES = {
    CaseEventKind.OPENED: CaseStatus,
    CaseEventKind.STATUS: CaseStatus,
    CaseEventKind.PRIORITY: CasePriority,
}


def _labelled(events: Any) -> list[Any]:
    """Status and priority values as their labels, in the reader's language."""
    rows = list(events)
    for event in rows:
        choices = LABELLED_VALUES.get(event.kind)
        labels = dict(choices.choices) if choices else {}
        event.from_value = str(labels.get(event.from_value, event.from_value))
        event.to_value = str(labels.get(event.to_value, event.to_value))
    return rows


def _detail_context(request: OrganizationRequest, case: Case) -> dict[str, Any]:
    organization = request.organization
    context: dict[str, Any] = {
        "case": case,
        "events": _labelled(selectors.case_events(case=case)),
        "statuses": [(v, label) for v, label in CaseStatus.choices if v != CaseStatus.RESOLVED],
        "priorities": CasePriority.choices,
        "members": _members(organization.pk),
        "teams": Team.objects.for_organization(organization),
        "root_causes": RootCause.choices,
        "offers": selectors.offers_active(organization_id=organization.pk),
        "goodwill": case.goodwill.select_related("offer"),
        "macros": messaging.macros_for(case),
        "has_follow_up": services.settings_for(organization.pk).follow_up_distribution_id
        is not None,
        "now": timezone.now(),
    }
    if case.customer is not None:
        context["timeline"] = customer_timeline(customer=case.customer, limit=15)
    return context


@read_cases
def case_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(membership=request.membership, pk=pk)
    Notification.objects.for_organization(request.organization).filter(
        user_id=request.user.pk, case=case, read_at__isnull=True
    ).update(read_at=timezone.now())
    return render(request, "cases/detail.html", _detail_context(request, case))


def _act(
    request: OrganizationRequest, pk: int, action: Callable[[Case], Any], done: str
) -> HttpResponse:
    case = selectors.case_get(membership=request.membership, pk=pk)
    try:
        action(case)
    except ClearloopError as error:
        messages.error(request, error.message)
        fresh = selectors.case_get(membership=request.membership, pk=pk)
        context = _detail_context(request, fresh)
        context["field_errors"] = error.fields
        return render(request, "cases/detail.html", context, status=error.status_code)
    if done:
        messages.success(request, done)
    return redirect("web:case_detail", pk=pk)


def _member_user(request: OrganizationRequest, raw: Any) -> User | None:
    user_id = _int(raw)
    if user_id is None:
        return None
    membership = (
        Membership.objects.filter(organization=request.organization, user_id=user_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership.user


@require_POST
@work_cases
def case_take(request: OrganizationRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda c: services.case_assign(case=c, owner=request.user, by=request.membership),
        _("The case is yours."),
    )


@require_POST
@work_cases
def case_assign(request: OrganizationRequest, pk: int) -> HttpResponse:
    owner = _member_user(request, request.POST.get("owner"))
    return _act(
        request,
        pk,
        lambda c: services.case_assign(case=c, owner=owner, by=request.membership),
        _("Owner changed."),
    )


@require_POST
@work_cases
def case_status(request: OrganizationRequest, pk: int) -> HttpResponse:
    status = request.POST.get("status", "")
    return _act(
        request,
        pk,
        lambda c: services.case_change_status(case=c, status=status, by=request.membership),
        _("Status changed."),
    )


@require_POST
@work_cases
def case_priority(request: OrganizationRequest, pk: int) -> HttpResponse:
    priority = request.POST.get("priority", "")
    return _act(
        request,
        pk,
        lambda c: services.case_set_priority(case=c, priority=priority, by=request.membership),
        _("Priority changed."),
    )


@require_POST
@work_cases
def case_details(request: OrganizationRequest, pk: int) -> HttpResponse:
    tags = request.POST.get("tags", "").split(",")
    return _act(
        request,
        pk,
        lambda c: services.case_update_details(
            case=c,
            by=request.membership,
            subject=request.POST.get("subject"),
            category=request.POST.get("category", ""),
            tags=tags,
        ),
        _("Details saved."),
    )


@require_POST
@work_cases
def case_reply(request: OrganizationRequest, pk: int) -> HttpResponse:
    body = request.POST.get("body", "")
    wait = "on" in request.POST.getlist("wait")
    return _act(
        request,
        pk,
        lambda c: messaging.case_reply(
            case=c, body=body, by=request.membership, wait_for_customer=wait
        ),
        _("Reply sent to the customer."),
    )


@require_POST
@work_cases
def case_note(request: OrganizationRequest, pk: int) -> HttpResponse:
    body = request.POST.get("body", "")
    return _act(
        request,
        pk,
        lambda c: services.case_add_note(case=c, body=body, by=request.membership),
        _("Note added."),
    )


@require_POST
@work_cases
def case_hand_off(request: OrganizationRequest, pk: int) -> HttpResponse:
    team_id = _int(request.POST.get("team"))
    team = get_for_organization_or_404(Team, organization=request.organization, pk=team_id)
    note = request.POST.get("note", "")
    return _act(
        request,
        pk,
        lambda c: services.case_hand_off(case=c, team=team, note=note, by=request.membership),
        _("Handed off."),
    )


@require_POST
@work_cases
def case_resolve(request: OrganizationRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda c: services.case_resolve(
            case=c,
            root_cause=request.POST.get("root_cause", ""),
            corrective_action=request.POST.get("corrective_action", ""),
            by=request.membership,
            send_follow_up=request.POST.get("follow_up") == "on",
        ),
        _("Case resolved."),
    )


@require_POST
@work_cases
def case_goodwill(request: OrganizationRequest, pk: int) -> HttpResponse:
    offer = get_for_organization_or_404(
        GoodwillOffer, organization=request.organization, pk=_int(request.POST.get("offer"))
    )
    return _act(
        request,
        pk,
        lambda c: services.goodwill_attach(case=c, offer=offer, by=request.membership),
        _("Offer attached."),
    )


@require_POST
@work_cases
def cases_bulk(request: OrganizationRequest) -> HttpResponse:
    ids = [pk for pk in (_int(v) for v in request.POST.getlist("case")) if pk]
    back = reverse("web:cases") + (
        "?" + request.POST.get("query", "") if request.POST.get("query") else ""
    )
    if not ids:
        messages.error(request, _("Select at least one case."))
        return redirect(back)
    cases = list(selectors.cases_visible(membership=request.membership).filter(pk__in=ids))
    action = request.POST.get("action", "")
    try:
        owner = (
            request.user if action == "take" else _member_user(request, request.POST.get("owner"))
        )
        count = services.cases_bulk(
            cases=cases,
            by=request.membership,
            action="assign" if action == "take" else action,
            owner=owner,
            priority=request.POST.get("priority", ""),
            status=request.POST.get("status", ""),
        )
    except ClearloopError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, _("%(count)d cases updated.") % {"count": count})
    return redirect(back)


@require_POST
@read_cases
def case_view_save(request: OrganizationRequest) -> HttpResponse:
    from clearloop.cases.models import CaseSavedView

    name = request.POST.get("name", "").strip()[:80]
    query = _query(_filters(QueryDict(request.POST.get("query", ""))))
    if not name:
        messages.error(request, _("Give the view a name."))
    else:
        CaseSavedView.objects.create(
            organization=request.organization, owner=request.user, name=name, query=query
        )
        messages.success(request, _("View saved."))
    return redirect(reverse("web:cases") + (f"?{query}" if query else ""))


# --- Manual opening -----------------------------------------------------------------------


@work_cases
def case_new(request: OrganizationRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    organization = request.organization
    response = feedback_item = customer = None
    if _int(data.get("response")):
        response = get_for_organization_or_404(
            Response, organization=organization, pk=_int(data.get("response"))
        )
        customer = response.customer
    if _int(data.get("feedback")):
        feedback_item = get_for_organization_or_404(
            FeedbackItem, organization=organization, pk=_int(data.get("feedback"))
        )
        customer = customer or feedback_item.customer
    if _int(data.get("customer")):
        customer = get_for_organization_or_404(
            Customer, organization=organization, pk=_int(data.get("customer"))
        )
    context = {
        "response": response,
        "feedback_item": feedback_item,
        "customer": customer,
        "priorities": CasePriority.choices,
        "teams": Team.objects.for_organization(organization),
        "subject": data.get("subject", ""),
    }
    if request.method != "POST":
        return render(request, "cases/new.html", context)
    team = None
    if _int(data.get("team")):
        team = get_for_organization_or_404(
            Team, organization=organization, pk=_int(data.get("team"))
        )
    try:
        case, created = services.case_open(
            organization=organization,
            subject=data.get("subject", ""),
            by=request.membership,
            customer=customer,
            origin=services.Origin(response=response, feedback_item=feedback_item),
            team=team,
            priority=data.get("priority", ""),
            topic="manual" if customer else "",
        )
    except ClearloopError as error:
        messages.error(request, error.message)
        return render(request, "cases/new.html", context, status=error.status_code)
    if not created:
        messages.info(request, _("This customer already has an open case; here it is."))
    return redirect("web:case_detail", pk=case.pk)


# --- Settings -----------------------------------------------------------------------------


def _rule_conditions(data: QueryDict) -> list[dict[str, Any]]:
    conditions: list[dict[str, Any]] = []
    for kind in ("nps_at_most", "csat_at_most", "rating_at_most"):
        if data.get(kind, "").strip().isdigit():
            conditions.append({"kind": kind, "value": int(data.get(kind, ""))})
    if data.get("score_question", "").strip() and data.get("score_value", "").strip().isdigit():
        conditions.append(
            {
                "kind": "score_at_most",
                "question": data["score_question"],
                "value": int(data.get("score_value", "")),
            }
        )
    if data.get("keywords", "").strip():
        conditions.append({"kind": "keyword", "words": data["keywords"]})
    for kind in ("customer_segment", "channel", "source"):
        if data.get(kind, "").strip():
            conditions.append({"kind": kind, "value": data[kind]})
    if _int(data.get("saved_segment")):
        conditions.append({"kind": "saved_segment", "segment_id": _int(data.get("saved_segment"))})
    if data.get("sentiment_at_most", "").strip():
        conditions.append({"kind": "sentiment_at_most", "value": data["sentiment_at_most"]})
    if data.get("signal", "").strip():
        conditions.append({"kind": "signal", "value": data["signal"]})
    if _int(data.get("topic_id")):
        conditions.append({"kind": "topic", "topic_id": _int(data.get("topic_id"))})
    return conditions


@manage_rules
def case_settings(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    settings_row = services.settings_for(organization.pk)
    status = 200
    if request.method == "POST":
        try:
            _settings_post(request, settings_row)
            return redirect("web:case_settings")
        except ClearloopError as error:
            messages.error(request, error.message)
            status = error.status_code
    context = {
        "rules": selectors.rules_list(organization_id=organization.pk),
        "offers": GoodwillOffer.objects.for_organization(organization),
        "settings": settings_row,
        "teams": Team.objects.for_organization(organization),
        "segments": Segment.objects.for_organization(organization),
        "distributions": Distribution.objects.for_organization(organization)
        .filter(kind=ResponseChannel.EMAIL)
        .select_related("survey"),
        "goodwill_kinds": GoodwillKind.choices,
        "priorities": CasePriority.choices,
        "condition_kinds": CONDITIONS,
        "signals": sorted(SIGNAL_LABELS.items()),
        "topics": live_topics(organization=organization),
        "recovery": follow_up.recovery_rates(organization_id=organization.pk),
        "hours": BusinessHours.objects.for_organization(organization),
        "policies": SlaPolicy.objects.for_organization(organization).prefetch_related("targets"),
        "setups": TeamSetup.objects.for_organization(organization).select_related(
            "team", "sla_policy", "business_hours", "escalation_team"
        ),
        "assignments": AssignmentStrategy.choices,
        "time_zones": TIME_ZONE_CHOICES,
        "weekdays": [
            (0, _("Mon")),
            (1, _("Tue")),
            (2, _("Wed")),
            (3, _("Thu")),
            (4, _("Fri")),
            (5, _("Sat")),
            (6, _("Sun")),
        ],
    }
    return render(request, "cases/settings.html", context, status=status)


def _settings_post(request: OrganizationRequest, settings_row: Any) -> None:
    data, organization = request.POST, request.organization
    form = data.get("form")
    if form == "rule":
        team = (
            get_for_organization_or_404(Team, organization=organization, pk=_int(data.get("team")))
            if _int(data.get("team"))
            else None
        )
        services.rule_create(
            organization=organization,
            by=request.membership,
            name=data.get("name", ""),
            conditions=_rule_conditions(data),
            match_all=data.get("match", "all") == "all",
            topic=data.get("topic", ""),
            team=team,
            category=data.get("category", ""),
        )
        hooks.rules_changed(organization.pk)
        messages.success(request, _("Rule added."))
    elif form in ("rule_toggle", "rule_delete"):
        rule = get_for_organization_or_404(
            CaseRule, organization=organization, pk=_int(data.get("rule"))
        )
        if form == "rule_delete":
            services.rule_delete(rule=rule, by=request.membership)
        else:
            services.rule_set_active(rule=rule, active=not rule.active, by=request.membership)
        hooks.rules_changed(organization.pk)
    elif form == "offer":
        services.goodwill_offer_create(
            organization=organization,
            by=request.membership,
            name=data.get("name", ""),
            kind=data.get("kind", "")
            if data.get("kind") in GoodwillKind.values
            else GoodwillKind.GIFT,
            value=data.get("value", ""),
        )
        messages.success(request, _("Offer added."))
    elif form in SLA_FORMS:
        SLA_FORMS[form](request)
        messages.success(request, _("Saved."))
    elif form == "settings":
        distribution = None
        if _int(data.get("follow_up_distribution")):
            distribution = get_for_organization_or_404(
                Distribution, organization=organization, pk=_int(data.get("follow_up_distribution"))
            )
        team = (
            get_for_organization_or_404(
                Team, organization=organization, pk=_int(data.get("default_team"))
            )
            if _int(data.get("default_team"))
            else None
        )
        settings_row.follow_up_distribution = distribution
        settings_row.default_team = team
        settings_row.reply_to_email = data.get("reply_to_email", "").strip()[:254]
        settings_row.high_value_segments = [
            s.strip() for s in data.get("high_value_segments", "").split(",") if s.strip()
        ]
        settings_row.save()
        messages.success(request, _("Settings saved."))


def _minutes(data: QueryDict, name: str) -> int:
    try:
        return round(float(data.get(name, "") or 0) * 60)
    except ValueError:
        return 0


def _hours_post(request: OrganizationRequest) -> None:
    data = request.POST
    services.business_hours_create(
        organization=request.organization,
        by=request.membership,
        name=data.get("name", ""),
        time_zone=data.get("time_zone", ""),
        weekdays=[day for day in (_int(v) for v in data.getlist("weekday")) if day is not None],
        opens=data.get("opens", "09:00"),
        closes=data.get("closes", "17:00"),
        holidays=[line for line in data.get("holidays", "").split() if line.strip()],
    )


def _policy_post(request: OrganizationRequest) -> None:
    data, organization = request.POST, request.organization
    hours = None
    if _int(data.get("business_hours")):
        hours = get_for_organization_or_404(
            BusinessHours, organization=organization, pk=_int(data.get("business_hours"))
        )
    services.sla_policy_create(
        organization=organization,
        by=request.membership,
        name=data.get("name", ""),
        business_hours=hours,
        warn_before_minutes=_int(data.get("warn_before_minutes")) or 60,
        targets={
            priority: (_minutes(data, f"first_{priority}"), _minutes(data, f"resolve_{priority}"))
            for priority in CasePriority.values
        },
    )


def _setup_post(request: OrganizationRequest) -> None:
    data, organization = request.POST, request.organization

    def pick(model: Any, name: str) -> Any:
        pk = _int(data.get(name))
        return get_for_organization_or_404(model, organization=organization, pk=pk) if pk else None

    team = get_for_organization_or_404(Team, organization=organization, pk=_int(data.get("team")))
    services.team_setup_save(
        team=team,
        by=request.membership,
        assignment=data.get("assignment", ""),
        sla_policy=pick(SlaPolicy, "sla_policy"),
        business_hours=pick(BusinessHours, "business_hours"),
        escalation_team=pick(Team, "escalation_team"),
    )


SLA_FORMS: dict[str, Callable[[OrganizationRequest], None]] = {
    "hours": _hours_post,
    "policy": _policy_post,
    "team_setup": _setup_post,
}


# --- The customer's status page -------------------------------------------------------------

STATUS_MISSES_PER_MINUTE = 30


def status_page(request: HttpRequest, token: str) -> HttpResponse:
    """What the customer may see: the reference, subject, a coarse status and when it
    changed, and the replies sent to them. No names, notes or other cases."""
    minute = int(timezone.now().timestamp() // 60)
    miss_key = f"case-status-miss:{request.META.get('REMOTE_ADDR', '')}:{minute}"
    if int(cache.get(miss_key, 0)) >= STATUS_MISSES_PER_MINUTE:
        return HttpResponse(_("Too many attempts"), status=429)
    case = selectors.case_for_status_token(token=token)
    if case is None:
        cache.add(miss_key, 0, timeout=120)
        cache.incr(miss_key)
        raise Http404("No such case.")
    replies = case.events.filter(
        kind__in=[CaseEventKind.MESSAGE_OUT, CaseEventKind.MESSAGE_IN]
    ).order_by("created_at")
    context = {
        "case": case,
        "replies": replies,
        "in_progress": case.status in OPEN_STATUSES and case.status != CaseStatus.NEW,
        "waiting": case.status == CaseStatus.WAITING_ON_CUSTOMER,
        "done": not case.is_open,
        "language": case.language,
    }
    with translation.override(case.language or case.organization.default_language):
        response = render(request, "cases/status_page.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
