from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from enhance.accounts import sso
from enhance.accounts import views as account_views
from enhance.api import views as api_views
from enhance.api.api import urlpatterns as api_urls
from enhance.core import views as core_views
from enhance.home import views as home_views
from enhance.portfolio import views as portfolio_views

admin.site.site_header = "enhance administration"
admin.site.site_title = "enhance admin"
# The admin signs in through the app's own sign-in (two factors, throttled), never its own form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("learners/<int:pk>/", home_views.learner, name="learner"),
    path("health", core_views.health, name="health"),
    path("downloads/<int:pk>/", core_views.download, name="download"),
    path("downloads/<int:pk>/file/", core_views.download_file, name="download_file"),
    path("accounts/2fa/totp/activate/", account_views.activate_authenticator, name="mfa_activate_totp"),
    path("accounts/oidc/<str:provider_id>/login/callback/", sso.callback, name="openid_connect_callback"),
    path("accounts/", include("allauth.urls")),
    path("account/tokens/", api_views.tokens, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", api_views.token_revoke, name="api_token_revoke"),
    path("api/v1/", include(api_urls())),
    path("notifications/", include("enhance.notifications.urls")),
    path("placements/", include("enhance.placements.urls")),
    path("calendar/", include("enhance.calendars.urls")),
    path("expenses/", include("enhance.expenses.urls")),
    path("teaching/", include("enhance.teaching.urls")),
    path("portfolio/", include("enhance.portfolio.urls")),
    path("projects/", include("enhance.projects.urls")),
    path("privacy/", include("enhance.privacy.urls")),
    path("setup/", include("enhance.reference.urls")),
    path("evaluation/", include("enhance.evaluation.urls")),
    path("assess/<str:token>/", portfolio_views.assessor, name="assessor"),
    path("admin/", admin.site.urls),
    path("", include("enhance.programmes.urls")),
]
