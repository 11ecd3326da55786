from django.contrib import admin

from enhance.core.admin import ReadOnlyAdminMixin
from enhance.privacy.models import DataExport, Erasure, RetentionRule


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["person", "requested_by", "status", "created_at"]
    list_select_related = ["person", "requested_by"]
    exclude = ["file"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The retention rules, listed with how long each kind of record is kept; the daily job
    applies them."""

    list_display = ["description", "days", "code"]
    readonly_fields = ["code"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a rule needs code that applies it

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["person", "erased_by", "erased_at", "reason"]
