"""Admin for case configuration (SLA policies, targets, business hours, team setups and
skills have no pages of their own yet)."""

from django.contrib import admin

from clearloop.cases import models


class SlaTargetInline(admin.TabularInline[models.SlaTarget, models.SlaPolicy]):
    model = models.SlaTarget
    extra = 0


@admin.register(models.SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[models.SlaPolicy]):
    inlines = [SlaTargetInline]
    list_display = ["name", "organization", "business_hours"]


for model in (
    models.BusinessHours,
    models.TeamSetup,
    models.AgentSkill,
    models.CaseSettings,
    models.CaseRule,
    models.GoodwillOffer,
):
    admin.site.register(model)


@admin.register(models.Case)
class CaseAdmin(admin.ModelAdmin[models.Case]):
    list_display = ["pk", "subject", "organization", "status", "priority", "owner"]
    list_filter = ["status", "priority"]
    readonly_fields = ["status_token_hash"]
