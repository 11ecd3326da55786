from django.urls import path

from enhance.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("reflections/", views.reflection_list, name="reflection_list"),
    path("reflections/new/", views.reflection_edit, name="reflection_create"),
    path("reflections/<int:pk>/", views.reflection_detail, name="reflection_detail"),
    path("reflections/<int:pk>/edit/", views.reflection_edit, name="reflection_edit"),
    path("coverage/", views.my_coverage, name="coverage"),
    path("progress/", views.my_progress, name="progress"),
    path("evidence/", views.evidence_packs, name="evidence_packs"),
    path("evidence/<int:pk>/", views.evidence_pack, name="evidence_pack"),
    path("readiness/", views.readiness, name="readiness"),
    path("readiness/export.<str:fmt>", views.readiness_export, name="readiness_export"),
    path("requirements/", views.requirement_sets, name="requirement_sets"),
    path("requirements/<int:pk>/", views.requirement_set, name="requirement_set"),
    path("requirements/<int:pk>/rules/<int:rule_pk>/remove/", views.rule_remove, name="rule_remove"),
    path("coverage/cohorts/<int:pk>/", views.cohort_coverage, name="cohort_coverage"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_request, name="assessment_request"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/resend/", views.assessment_resend, name="assessment_resend"),
    path("assessments/<int:pk>/withdraw/", views.assessment_withdraw, name="assessment_withdraw"),
    path(
        "assessments/<int:pk>/approve-assessor/", views.assessment_approve_assessor, name="assessment_approve"
    ),
]
