"""Cases: every unhappy customer gets an owner, a priority, an SLA clock, a reply and a
follow-up. A Case keeps its current state; CaseEvent is the append-only history of every
change (who, when, from -> to), messages and internal notes included.

Configuration lives beside it: the rules that open cases, SLA policies and their per-priority
targets, business hours, how each team triages and assigns, goodwill offers, and the
organization's case settings (priority matrix, follow-up survey).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clearloop.core.models import OrganizationScopedModel


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", pgettext_lazy("case status", "Open")
    WAITING_ON_CUSTOMER = "waiting_customer", _("Waiting on customer")
    WAITING_ON_THIRD_PARTY = "waiting_third_party", _("Waiting on third party")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.OPEN,
    CaseStatus.WAITING_ON_CUSTOMER,
    CaseStatus.WAITING_ON_THIRD_PARTY,
)
DONE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class CasePriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {
    CasePriority.LOW: 0,
    CasePriority.NORMAL: 1,
    CasePriority.HIGH: 2,
    CasePriority.URGENT: 3,
}


class RootCause(models.TextChoices):
    PRODUCT_DEFECT = "product_defect", _("Product defect")
    DELIVERY = "delivery", _("Delivery")
    BILLING = "billing", _("Billing")
    SERVICE = "service", _("Service")
    COMMUNICATION = "communication", _("Communication")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    """Urgency and importance, each low / medium / high: the axes of the priority matrix."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class AssignmentStrategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round robin")
    SKILL = "skill", _("By skill and language")
    LEAST_LOAD = "least_load", _("Least open cases")
    MANUAL = "manual", _("Nobody (pick by hand)")


class BusinessHours(OrganizationScopedModel):
    """When a team works: weekly opening intervals in a time zone, and holidays."""

    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    week = models.JSONField(
        _("opening hours"),
        default=dict,
        blank=True,
        help_text=_('Per weekday (0 = Monday): [["09:00", "17:00"]]. Empty: around the clock.'),
    )
    holidays = models.JSONField(_("holidays"), default=list, blank=True)

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=120)
    business_hours = models.ForeignKey(
        BusinessHours,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business hours"),
        help_text=_("Empty: the team's business hours, else around the clock."),
    )
    warn_before_minutes = models.PositiveIntegerField(_("warn before (minutes)"), default=60)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SlaTarget(OrganizationScopedModel):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(_("priority"), max_length=10, choices=CasePriority.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (minutes)"))

    class Meta:
        verbose_name = _("SLA target")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "priority"],
                name="sla_target_one_per_priority",
                violation_error_message=_("This policy already has a target for this priority."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}:{self.priority}"


class TeamSetup(OrganizationScopedModel):
    """How one team works cases: its hours, SLA policy, assignment strategy, escalation."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, related_name="case_setup", verbose_name=_("team")
    )
    business_hours = models.ForeignKey(
        BusinessHours, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sla_policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignment = models.CharField(
        _("assignment"),
        max_length=16,
        choices=AssignmentStrategy.choices,
        default=AssignmentStrategy.ROUND_ROBIN,
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalation_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("team case setup")

    def __str__(self) -> str:
        return f"setup of team {self.team_id}"


class AgentSkill(OrganizationScopedModel):
    """What an agent can take: languages spoken and case categories known."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)

    class Meta:
        verbose_name = _("agent skills")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="agent_skill_one_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"skills of {self.user_id}"


class CaseSettings(OrganizationScopedModel):
    """One row per organization: defaults, the priority matrix, the follow-up survey."""

    default_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    default_sla_policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    priority_matrix = models.JSONField(
        _("priority matrix"),
        default=dict,
        blank=True,
        help_text=_('{"<urgency>:<importance>": "<priority>"}; missing cells use the default.'),
    )
    high_value_segments = models.JSONField(
        _("important segments"),
        default=list,
        blank=True,
        help_text=_("Customer segments (e.g. VIP) whose cases are of high importance."),
    )
    reply_to_email = models.EmailField(
        _("reply-to address"),
        blank=True,
        help_text=_("Your inbound email address, so customers' replies thread into the case."),
    )
    follow_up_distribution = models.ForeignKey(
        "surveys.Distribution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up survey"),
        help_text=_("An email distribution of a short CSAT survey: 'did we solve it?'."),
    )

    class Meta:
        verbose_name = _("case settings")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="case_settings_one_per_org")
        ]

    def __str__(self) -> str:
        return f"case settings of {self.organization_id}"


class CaseRule(OrganizationScopedModel):
    """Conditions that open a case on a new response or feedback item.

    `conditions` is a list of ``{"kind": ..., ...}`` documents (see `clearloop.cases.rules`);
    all must hold (`match_all`) or any. `topic` deduplicates: one open case per customer
    and topic (default: the rule's own id)."""

    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=list)
    match_all = models.BooleanField(_("all conditions must hold"), default=True)
    topic = models.CharField(_("topic"), max_length=60, blank=True)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.CharField(_("category"), max_length=60, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("case rule")
        verbose_name_plural = _("case rules")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def dedupe_topic(self) -> str:
        return self.topic or f"rule-{self.pk}"


class Case(OrganizationScopedModel):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    response = models.ForeignKey(
        "surveys.Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    feedback_item = models.ForeignKey(
        "feedback.FeedbackItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    interaction = models.ForeignKey(
        "customers.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    rule = models.ForeignKey(
        CaseRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=60, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=CasePriority.choices, default=CasePriority.NORMAL
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    importance = models.CharField(
        _("importance"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    category = models.CharField(_("category"), max_length=60, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    opening_score = models.SmallIntegerField(_("opening NPS"), null=True, blank=True)
    # SLA
    sla_policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    paused_at = models.DateTimeField(_("SLA clock paused at"), null=True, blank=True)
    paused_seconds = models.FloatField(_("business seconds paused"), default=0)
    warned_at = models.DateTimeField(_("SLA warning sent"), null=True, blank=True)
    breached_at = models.DateTimeField(_("SLA breached"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Resolution
    root_cause = models.CharField(
        _("root cause"), max_length=60, choices=RootCause.choices, blank=True
    )
    corrective_action = models.TextField(_("corrective action"), blank=True)
    # Customer access: a status page link and an email reply address (hashed secrets).
    status_token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "customer", "topic"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES], customer__isnull=False)
                & ~Q(topic=""),
                name="case_one_open_per_customer_and_topic",
                violation_error_message=_("This customer already has an open case on this topic."),
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "resolution_due_at"], name="case_queue"),
            models.Index(fields=["organization", "owner", "status"], name="case_owner"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reference(self) -> str:
        return f"CL-{self.pk}"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", pgettext_lazy("case event", "Opened")
    ASSIGNED = "assigned", _("Assigned")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    TEAM = "team", _("Handed off")
    FIELDS = "fields", _("Details changed")
    NOTE = "note", _("Internal note")
    MESSAGE_OUT = "message_out", _("Reply to customer")
    MESSAGE_IN = "message_in", _("Customer message")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breached")
    ESCALATED = "escalated", _("Escalated")
    FOLLOW_UP_SENT = "follow_up_sent", _("Follow-up survey sent")
    FOLLOW_UP_ANSWERED = "follow_up_answered", _("Follow-up answered")
    GOODWILL = "goodwill", _("Goodwill offer attached")


class AppendOnlyError(RuntimeError):
    pass


class CaseEvent(OrganizationScopedModel):
    """One entry of a case's history. Rows are written once and never changed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_value = models.CharField(_("from"), max_length=200, blank=True)
    to_value = models.CharField(_("to"), max_length=200, blank=True)
    body = models.TextField(_("message"), blank=True)
    mentions = models.JSONField(_("mentioned users"), default=list, blank=True)
    metadata = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_history")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Case events are append-only.")
        super().save(*args, **kwargs)


class Notification(OrganizationScopedModel):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        CUSTOMER_REPLY = "customer_reply", _("Customer replied")
        SLA_WARNING = "sla_warning", _("SLA warning")
        MENTION = "mention", _("Mentioned")
        ESCALATED = "escalated", _("Escalated")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.case_id}"


class GoodwillKind(models.TextChoices):
    DISCOUNT_CODE = "discount_code", _("Discount code")
    POINTS = "points", _("Loyalty points")
    GIFT = "gift", _("Gift")


class GoodwillOffer(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=GoodwillKind.choices)
    value = models.CharField(_("value"), max_length=120, help_text=_("Code, points or gift."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("goodwill offer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseGoodwill(OrganizationScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goodwill")
    # An offer deleted later leaves the gesture counted (its name stays in the history).
    offer = models.ForeignKey(GoodwillOffer, on_delete=models.SET_NULL, null=True, related_name="+")
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("goodwill given")
        constraints = [
            models.UniqueConstraint(fields=["case", "offer"], name="case_goodwill_once_per_offer")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.offer_id}"


class CaseFollowUp(OrganizationScopedModel):
    """The 'did we solve it?' survey sent on resolve, and its answer once it lands."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="follow_up")
    invitation = models.ForeignKey(
        "surveys.SurveyInvitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response = models.ForeignKey(
        "surveys.Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    csat = models.SmallIntegerField(_("CSAT"), null=True, blank=True)
    nps = models.SmallIntegerField(_("NPS"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up survey")

    def __str__(self) -> str:
        return f"follow-up of {self.case_id}"


class CaseSavedView(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("saved case view")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
