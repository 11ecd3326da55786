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
    path("rounds/<int:pk>/action/", views.round_action, name="round_action"),
    path("partner/", views.partner_view, name="partner_view"),
    path("days/", views.day_action, name="day_action"),
    path("mine/", views.my_projects, name="my_projects"),
    path("p/<int:pk>/", views.project_detail, name="project"),
    path("board/", views.board, name="board"),
    path("supervising/", views.supervising, name="supervising"),
]
