from django.urls import path

from enhance.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.my_calendar, name="mine"),
    path("reset/", views.reset_feed, name="reset"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
