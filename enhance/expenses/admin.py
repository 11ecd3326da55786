from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enhance.core.admin import ReadOnlyAdminMixin
from enhance.expenses.models import Claim, ExportBatch, Journey, MileageRate


@admin.register(MileageRate)
class MileageRateAdmin(SimpleHistoryAdmin):
    list_display = ["vehicle", "effective_from", "pence_per_mile", "threshold_miles", "pence_after_threshold"]
    list_filter = ["vehicle"]


class JourneyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Journey
    extra = 0
    fields = ("date", "origin", "destination", "mode", "miles", "passengers", "mileage_pence")
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["membership", "month", "status", "total_pence", "batch"]
    list_filter = ["status"]
    list_select_related = ["membership__person", "batch"]
    inlines = [JourneyInline]


@admin.register(ExportBatch)
class ExportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "organisation", "created_by", "created_at", "total_pence"]
    list_select_related = ["organisation", "created_by"]
