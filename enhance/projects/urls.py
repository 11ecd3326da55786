from django.urls import path

from enhance.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.home, name="home"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_edit, name="partner_create"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/solve/", views.round_solve, name="round_solve"),
    path("rounds/<int:pk>/pairs/", views.round_pair, name="round_pair"),
    path("rounds/<int:pk>/confirm/", views.round_confirm, name="round_confirm"),
    path("partner/", views.partner_view, name="partner_view"),
    path("days/", views.day_plan, name="day_plan"),
    path("days/<int:pk>/confirm/", views.day_confirm, name="day_confirm"),
    path("days/<int:pk>/observations/", views.day_observe, name="day_observe"),
    path("mine/", views.my_projects, name="my_projects"),
    path("p/<int:pk>/", views.project_detail, name="project"),
    path("p/<int:pk>/outputs/", views.output_add, name="output_add"),
    path("p/<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
    path(
        "p/<int:pk>/milestones/<int:milestone_pk>/complete/",
        views.milestone_complete,
        name="milestone_complete",
    ),
    path("p/<int:pk>/co-learners/", views.co_learner_add, name="co_learner_add"),
    path("p/<int:pk>/handover/", views.handover, name="handover"),
    path("p/<int:pk>/supervisor/", views.supervisor_set, name="supervisor_set"),
    path("board/", views.board, name="board"),
    path("supervising/", views.supervising, name="supervising"),
]
