"""Single sign-on through OpenID Connect (allauth's provider), with the ID token's signature
always checked against the provider's published keys, as well as its issuer, audience and
expiry (allauth skips the signature when the token came straight from the provider)."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse


class VerifyingAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        return jwtkit.verify_and_decode(  # type: ignore[no-any-return]
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(VerifyingAdapter(request, provider_id))
        return view(request)  # type: ignore[no-any-return]
    except SocialApp.DoesNotExist:
        raise Http404 from None


class SecondFactorStage(AuthenticateStage):
    """allauth's authenticator-code step, skipped for a single sign-on whose provider already
    needs two factors (OIDC_COUNTS_AS_SECOND_FACTOR)."""

    def _should_handle(self, request: HttpRequest) -> bool:
        social = (self.login.signal_kwargs or {}).get("sociallogin") is not None
        if social and settings.OIDC_COUNTS_AS_SECOND_FACTOR:
            return False
        return bool(super()._should_handle(request))
