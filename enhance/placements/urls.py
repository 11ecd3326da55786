from django.urls import path

from enhance.placements import views

app_name = "placements"

urlpatterns = [
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", views.opportunity_edit, name="opportunity_create"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("blocks/", views.block_list, name="block_list"),
    path("blocks/new/", views.block_create, name="block_create"),
    path("blocks/<int:pk>/", views.block_detail, name="block_detail"),
    path("blocks/<int:pk>/preferences/", views.preferences, name="preferences"),
    path("blocks/<int:pk>/runs/", views.run_start, name="run_start"),
    path("blocks/<int:pk>/learners/<int:membership_pk>/", views.placement_change, name="placement_change"),
    path("blocks/<int:pk>/constraints/", views.constraint, name="constraint"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/input.json", views.run_input, name="run_input"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/compare/", views.run_compare, name="run_compare"),
    path("my/", views.my_placements, name="my_placements"),
    path("incoming/", views.incoming, name="incoming"),
    path("<int:pk>/", views.placement_detail, name="placement_detail"),
    path("clinics/<int:pk>/review/", views.clinic_review, name="clinic_review"),
    path("clinics/<int:pk>/answer/", views.clinic_answer, name="clinic_answer"),
]
