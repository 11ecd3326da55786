from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enhance.programmes.models import (
    Cohort,
    Grade,
    GradePeriod,
    ImportBatch,
    Locality,
    Membership,
    Organisation,
    Person,
    Profession,
    Programme,
    Region,
    RegistrationBody,
    RoleAssignment,
    Site,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


class SiteInline(admin.StackedInline):
    model = Site
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "ods_code", "active"]
    list_filter = ["kind", "region", "active"]
    list_select_related = ["region"]
    search_fields = ["name", "ods_code"]
    inlines = [SiteInline]


class LocalityInline(admin.TabularInline):
    model = Locality
    extra = 0


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "pathway", "length_years"]
    list_filter = ["region", "pathway"]
    list_select_related = ["region"]
    inlines = [LocalityInline, CohortInline]


@admin.register(Profession, Grade)
class SimpleReferenceAdmin(admin.ModelAdmin):
    pass


@admin.register(RegistrationBody)
class RegistrationBodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "number_pattern", "number_example"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["surname", "forename", "email", "profession", "registration_body", "registration_number"]
    list_select_related = ["profession", "registration_body"]
    search_fields = ["surname", "forename", "email", "registration_number"]
    raw_id_fields = ["user"]


class GradePeriodInline(admin.TabularInline):
    model = GradePeriod
    extra = 0


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "programme", "cohort", "locality", "status", "wte"]
    list_filter = ["programme", "status"]
    list_select_related = ["person", "programme", "cohort", "locality"]
    search_fields = ["person__surname", "person__email"]
    raw_id_fields = ["person"]
    inlines = [GradePeriodInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "region", "programme", "locality", "organisation", "learner"]
    list_filter = ["role"]
    list_select_related = ["user", "region", "programme", "locality", "organisation", "learner"]
    raw_id_fields = ["user", "learner"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "created_by", "status", "created_at", "created_count", "unchanged_count"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields] + ["rows"]
