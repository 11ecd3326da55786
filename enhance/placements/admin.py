from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enhance.core.admin import ReadOnlyAdminMixin
from enhance.placements.models import (
    AllocationRun,
    ClinicEntry,
    Opportunity,
    OpportunityType,
    Placement,
    PlacementBlock,
)


@admin.register(OpportunityType)
class OpportunityTypeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "type", "capacity", "requires_driver", "active"]
    list_filter = ["type", "requires_driver", "active"]
    list_select_related = ["organisation", "type"]


@admin.register(PlacementBlock)
class PlacementBlockAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "starts_on", "ends_on", "status"]
    list_select_related = ["cohort"]


@admin.register(AllocationRun)
class AllocationRunAdmin(admin.ModelAdmin):
    list_display = ["block", "number", "mode", "status", "created_at", "published_at"]
    list_select_related = ["block"]
    readonly_fields = ["instance", "result"]


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["membership", "opportunity", "block", "rank"]
    list_select_related = ["membership__person", "opportunity", "block"]


@admin.register(ClinicEntry)
class ClinicEntryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["placement", "date", "clinic_type", "status"]
    list_select_related = ["placement__membership__person", "placement__opportunity", "clinic_type"]
