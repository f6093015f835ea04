"""Customers and what they did with us: orders and service interactions.

These are the "who" behind every response and feedback item. Foreign keys between
organization-scoped rows cannot be checked by the database across tenants, so services
link them only after `clearloop.core.scoping.assert_same_organization`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Language
from clearloop.core.models import OrganizationScopedModel


def _is_code_of_length(field: str, length: int) -> Q:
    """Shaped like an ISO code: exactly `length` characters, in capitals (`DE`, `EUR`).
    Whether the code exists is checked on input, where the message can say which one."""
    return Q(Exact(Length(field), length), Exact(F(field), Upper(field)))


class Customer(OrganizationScopedModel):
    external_id = models.CharField(
        _("external id"),
        max_length=120,
        blank=True,
        help_text=_("The customer's id in your own systems (CRM, shop)."),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("The language surveys and replies are sent in."),
    )
    region = models.CharField(_("region"), max_length=60, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. DE.")
    )
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    attributes = models.JSONField(
        _("custom attributes"),
        default=dict,
        blank=True,
        help_text=_("Custom attributes by key: text, number, true/false or ISO date values."),
    )
    # Set once the customer's personal data was erased; the row stays as an anonymous
    # shell so scores kept for statistics still count in their segment.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="customer_external_id_unique_per_organization",
                violation_error_message=_("A customer with this external id already exists."),
            ),
            models.CheckConstraint(
                condition=Q(country="") | _is_code_of_length("country", 2),
                name="customer_country_is_iso_alpha2",
                violation_error_message=_(
                    "The country must be a two-letter ISO 3166 code in capitals, e.g. DE."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "name"], name="customer_org_name"),
            models.Index(fields=["organization", "email"], name="customer_org_email"),
            models.Index(fields=["organization", "segment"], name="customer_org_segment"),
        ]

    def __str__(self) -> str:
        return self.name or self.email or self.external_id or f"#{self.pk}"


class Order(OrganizationScopedModel):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="orders", verbose_name=_("customer")
    )
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    product = models.CharField(_("product"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(
        _("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. EUR.")
    )
    ordered_at = models.DateTimeField(_("ordered at"))

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="order_external_id_unique_per_organization",
                violation_error_message=_("An order with this external id already exists."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="order_amount_not_negative",
                violation_error_message=_("An order amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=_is_code_of_length("currency", 3),
                name="order_currency_is_iso_4217",
                violation_error_message=_(
                    "The currency must be a three-letter ISO 4217 code in capitals, e.g. EUR."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "ordered_at"], name="order_org_ordered_at"),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.amount} {self.currency})"


class InteractionChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    SOCIAL = "social", _("Social media")
    IN_PERSON = "in_person", _("In person")


class Interaction(OrganizationScopedModel):
    """One service contact: a call, an email thread, a chat, a social reply, a visit."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("customer"),
    )
    external_id = models.CharField(
        _("external id"),
        max_length=120,
        blank=True,
        help_text=_("The ticket or call id in your help desk; makes API pushes idempotent."),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=InteractionChannel.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(
        _("wait (seconds)"),
        null=True,
        blank=True,
        help_text=_("Time the customer waited for the first answer."),
    )
    resolved_on_first_contact = models.BooleanField(
        _("resolved on first contact"),
        null=True,
        blank=True,
        help_text=_("Empty when not recorded."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="interaction_external_id_unique_per_organization",
                violation_error_message=_("An interaction with this external id already exists."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="interaction_ends_after_it_starts",
                violation_error_message=_("An interaction cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "started_at"], name="interaction_org_started"),
            models.Index(
                fields=["organization", "channel", "started_at"],
                name="interaction_org_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.started_at:%Y-%m-%d}"


class AttributeType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")


class CustomAttribute(OrganizationScopedModel):
    """A field an organization adds to its customer profiles. Values live in
    `Customer.attributes` under `key`; services check them against `type` on every write."""

    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("Lower-case letters, digits and underscores, e.g. loyalty_tier."),
    )
    label = models.CharField(_("label"), max_length=120)
    type = models.CharField(_("type"), max_length=10, choices=AttributeType.choices)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_("The allowed values of a choice attribute."),
    )

    class Meta:
        verbose_name = _("custom attribute")
        verbose_name_plural = _("custom attributes")
        ordering = ["label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"],
                name="custom_attribute_key_unique_per_organization",
                violation_error_message=_("An attribute with this key already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class CustomerMerge(OrganizationScopedModel):
    """The audit of one merge: which customer id was folded into which, by whom, and how
    many rows moved. It holds ids and counts only, never the merged person's details, so
    an erasure never has to reach into it."""

    kept = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        related_name="merges",
        verbose_name=_("kept customer"),
    )
    kept_customer_id = models.PositiveBigIntegerField(_("kept customer id"))
    merged_customer_id = models.PositiveBigIntegerField(_("merged customer id"))
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    moved = models.JSONField(_("rows moved"), default=dict)
    filled_fields = models.JSONField(_("fields filled"), default=list)

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-created_at", "-pk"]


class CustomerErasure(OrganizationScopedModel):
    """The audit of one erasure: who erased which customer id, when (`created_at`), and
    how many rows of each kind were removed or blanked. Never the erased data itself."""

    erased_customer_id = models.PositiveBigIntegerField(_("erased customer id"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    counts = models.JSONField(_("rows removed or blanked"), default=dict)

    class Meta:
        verbose_name = _("customer erasure")
        verbose_name_plural = _("customer erasures")
        ordering = ["-created_at", "-pk"]


class Segment(OrganizationScopedModel):
    """A saved group of customers described by rules (see `clearloop.customers.segments`
    for the rule document); membership is computed by one query, never stored."""

    name = models.CharField(_("name"), max_length=120)
    rules = models.JSONField(_("rules"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="segment_name_unique_per_organization",
                violation_error_message=_("A segment with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
