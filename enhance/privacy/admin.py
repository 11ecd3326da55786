from django.contrib import admin

from enhance.core.admin import ReadOnlyAdminMixin
from enhance.privacy.models import DataExport


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["person", "requested_by", "status", "created_at"]
    list_select_related = ["person", "requested_by"]
    exclude = ["file"]
