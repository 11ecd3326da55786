from django.urls import path

from enhance.privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("people/<int:person_pk>/export/", views.export_request, name="export_request"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("people/<int:person_pk>/erase/", views.erase, name="erase"),
]
