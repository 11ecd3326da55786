from django.urls import path

from enhance.programmes import views

app_name = "programmes"

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/settings/", views.programme_settings, name="programme_settings"),
    path("programmes/<int:pk>/staff/", views.staff, name="staff"),
    path("programmes/<int:pk>/staff/people/<int:user_pk>/", views.staff_member, name="staff_member"),
    path("programmes/<int:pk>/staff/<int:role_pk>/end/", views.role_end, name="role_end"),
    path("programmes/<int:pk>/localities/new/", views.locality_add, name="locality_add"),
    path("programmes/<int:pk>/cohorts/new/", views.cohort_open, name="cohort_open"),
    path("localities/<int:pk>/", views.locality_detail, name="locality_detail"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/close/", views.cohort_close, name="cohort_close"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("learners/", views.learner_list, name="learner_list"),
    path("me/record-views/", views.record_views, name="record_views"),
    path("me/details/", views.my_details, name="my_details"),
    path(
        "memberships/<int:pk>/insurance-certificate/",
        views.insurance_certificate,
        name="insurance_certificate",
    ),
    path("learners/new/", views.learner_create, name="learner_create"),
    path("learners/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("learners/<int:pk>/invite/", views.learner_invite, name="learner_invite"),
    path("learners/<int:person_pk>/memberships/new/", views.membership_create, name="membership_create"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("messages/", views.announcement_list, name="announcement_list"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/template.csv", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
]
