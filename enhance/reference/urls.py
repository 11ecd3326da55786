from django.urls import path

from enhance.reference import views

app_name = "reference"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.row_list, name="list"),
    path("<slug:slug>/new/", views.row_edit, name="create"),
    path("<slug:slug>/<int:pk>/", views.row_edit, name="edit"),
]
