from django.contrib import admin

from enhance.curriculum.models import Domain, Framework, Outcome, Theme


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    inlines = [DomainInline, ThemeInline]
    search_fields = ["name"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "framework"]
    list_select_related = ["framework"]
    inlines = [OutcomeInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "framework"]
    list_select_related = ["framework"]
