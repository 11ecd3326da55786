from django.urls import path

from enhance.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("measures/<slug:slug>/", views.measure, name="measure"),
    path("measures/<slug:slug>/<slug:table>.<str:fmt>", views.measure_download, name="download"),
    path("workbooks/", views.workbook_new, name="workbook_new"),
    path("workbooks/<int:pk>/", views.workbook, name="workbook"),
    path("surveys/", views.my_surveys, name="my_surveys"),
    path("surveys/<int:pk>/", views.answer, name="answer"),
    path("schedules/<int:programme_pk>/", views.schedule, name="schedule"),
]
