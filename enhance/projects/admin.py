from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enhance.projects.models import MilestoneTemplate, PairingRound, Partner, Population


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "learners_per_year", "active"]
    list_select_related = ["organisation"]


@admin.register(PairingRound)
class PairingRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "status"]
    list_select_related = ["cohort"]


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "training_year", "months_into_year", "completed_by_output"]
    list_select_related = ["programme"]
