from django.contrib import admin
from django.urls import include, path

from enhance.portfolio import views as portfolio_views
from enhance.programmes import views as programme_views

admin.site.site_header = "enhance administration"
admin.site.site_title = "enhance admin"

urlpatterns = [
    path("", programme_views.home, name="home"),
    path("health", programme_views.health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("enhance.notifications.urls")),
    path("placements/", include("enhance.placements.urls")),
    path("calendar/", include("enhance.calendars.urls")),
    path("expenses/", include("enhance.expenses.urls")),
    path("teaching/", include("enhance.teaching.urls")),
    path("portfolio/", include("enhance.portfolio.urls")),
    path("projects/", include("enhance.projects.urls")),
    path("assess/<str:token>/", portfolio_views.assessor, name="assessor"),
    path("admin/", admin.site.urls),
    path("", include("enhance.programmes.urls")),
]
