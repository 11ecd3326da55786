from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enhance.core.admin import ReadOnlyAdminMixin
from enhance.teaching.models import Attendance, Session, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "programme", "starts_at", "mode", "cancelled"]
    list_filter = ["programme", "mode", "cancelled"]
    list_select_related = ["programme"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["session", "membership", "status", "checked_in_at"]
    list_select_related = ["session", "membership__person"]
