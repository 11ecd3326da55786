from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enhance.portfolio.models import Reflection


@admin.register(Reflection)
class ReflectionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "person", "visibility", "draft", "updated_at"]
    list_select_related = ["person"]
