"""Goals, the action plans that hang on them, their tasks and the tasks' comments.

A goal stores its baseline as computed when it was set (value, interval and count), so
the board shows what the target was measured against even after old rows are erased.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clearloop.core.models import OrganizationScopedModel
from clearloop.goals.measure import Metric, Scope, ScopeKind


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    ARCHIVED = "archived", _("Archived")


class Goal(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    scope_kind = models.CharField(
        _("scope"), max_length=20, choices=ScopeKind.choices, default=ScopeKind.ORGANIZATION
    )
    scope_value = models.CharField(_("scope value"), max_length=120, blank=True)
    baseline_start = models.DateField(_("baseline from"))
    baseline_end = models.DateField(_("baseline to"))
    baseline_value = models.FloatField(_("baseline"))
    baseline_low = models.FloatField(_("baseline interval low"), null=True, blank=True)
    baseline_high = models.FloatField(_("baseline interval high"), null=True, blank=True)
    baseline_n = models.PositiveIntegerField(_("baseline count"))
    target = models.FloatField(_("target"))
    deadline = models.DateField(_("deadline"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(baseline_end__gte=models.F("baseline_start")),
                name="goal_baseline_ends_after_it_starts",
                violation_error_message=_("The baseline period cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="goal_org_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_kind, self.scope_value)


class ActionPlan(OrganizationScopedModel):
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="plans", verbose_name=_("goal")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(
        _("started on"),
        null=True,
        blank=True,
        help_text=_("When the action took effect; its impact is measured from this day."),
    )
    comparison_kind = models.CharField(
        _("comparison scope"), max_length=20, choices=ScopeKind.choices, blank=True
    )
    comparison_value = models.CharField(_("comparison value"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def comparison(self) -> Scope | None:
        return Scope(self.comparison_kind, self.comparison_value) if self.comparison_kind else None


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ActionTask(OrganizationScopedModel):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("action plan")
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    # The day the owner was told it is overdue: the periodic check tells them once.
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["organization", "status", "due_on"], name="task_org_status_due")
        ]

    def __str__(self) -> str:
        return self.title


class TaskComment(OrganizationScopedModel):
    task = models.ForeignKey(
        ActionTask, on_delete=models.CASCADE, related_name="comments", verbose_name=_("task")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]
