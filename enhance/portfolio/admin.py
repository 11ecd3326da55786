from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from enhance.core.admin import ReadOnlyAdminMixin
from enhance.portfolio.models import Assessment, Reflection


@admin.register(Reflection)
class ReflectionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Only finished reflections their authors shared: private and draft ones stay private,
    from administrators too."""

    list_display = ["title", "person", "visibility", "draft", "updated_at"]
    list_select_related = ["person"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reflection]:
        return (
            super()
            .get_queryset(request)
            .filter(draft=False)
            .exclude(visibility=Reflection.Visibility.PRIVATE)
        )


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["type", "person", "date", "status"]
    list_select_related = ["type", "person"]
    list_filter = ["status", "type"]
