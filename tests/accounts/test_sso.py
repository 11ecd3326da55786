"""Single sign-on through OpenID Connect, against a local provider served inside the test: its
discovery document, its keys and a token endpoint handing out ID tokens signed with a test key.
People with an account are signed in (matched by the email claim); a wrong audience, an expired
token, a bad signature or an unknown email signs nobody in and creates no account."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from enhance.accounts.models import User

pytestmark = pytest.mark.django_db

CLIENT_ID = "enhance-test"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    """What the next ID token says, and the server that hands it out."""

    def __init__(self) -> None:
        self.claims: dict[str, Any] = {}
        self.signing_key = KEY
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def id_token(self) -> str:
        now = int(time.time())
        claims = {"iss": self.base, "aud": CLIENT_ID, "sub": "person-1", "iat": now, "exp": now + 300}
        claims.update(self.claims)
        return jwt.encode(claims, self.signing_key, algorithm="RS256", headers={"kid": "test"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 (the http.server interface)
                if self.path.startswith("/.well-known/openid-configuration"):
                    self._send(
                        {
                            "issuer": provider.base,
                            "authorization_endpoint": f"{provider.base}/authorize",
                            "token_endpoint": f"{provider.base}/token",
                            "jwks_uri": f"{provider.base}/jwks",
                            "userinfo_endpoint": f"{provider.base}/userinfo",
                            "token_endpoint_auth_methods_supported": ["client_secret_post"],
                        }
                    )
                elif self.path.startswith("/jwks"):
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
                    self._send({"keys": [{**jwk, "kid": "test", "use": "sig", "alg": "RS256"}]})
                else:
                    self.send_error(404)

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._send(
                    {"access_token": "opaque", "token_type": "Bearer", "id_token": provider.id_token()}
                )

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def provider(settings):  # type: ignore[no-untyped-def]
    found = Provider()
    settings.OIDC_SERVER_URL = f"{found.base}/.well-known/openid-configuration"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "NHS sign-in",
                    "client_id": CLIENT_ID,
                    "secret": "s3cret",
                    "settings": {"server_url": settings.OIDC_SERVER_URL, "fetch_userinfo": False},
                }
            ]
        }
    }
    yield found
    found.server.shutdown()


def sign_in_through(client, provider: Provider, **claims: Any):  # type: ignore[no-untyped-def]
    """Start at the sign-in page's button, come back from the provider with a code."""
    provider.claims = claims
    started = client.post(reverse("openid_connect_login", args=["sso"]))
    assert started.status_code == 302 and started["Location"].startswith(f"{provider.base}/authorize")
    state = parse_qs(urlparse(started["Location"]).query)["state"][0]
    return client.get(reverse("openid_connect_callback", args=["sso"]), {"code": "a-code", "state": state})


def signed_in_as(client) -> int | None:  # type: ignore[no-untyped-def]
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


@pytest.fixture
def anonymous():  # type: ignore[no-untyped-def]
    from django.test import Client

    return Client()


def test_a_learner_with_an_account_signs_in_by_their_email_claim(anonymous, world, provider):
    page = anonymous.get(reverse("account_login")).content.decode()
    assert "Sign in with NHS sign-in" in page
    response = sign_in_through(anonymous, provider, email="LEARNER@example.org", email_verified=True)
    assert response.status_code == 302
    assert signed_in_as(anonymous) == world["learner"].pk
    assert anonymous.get(reverse("home")).status_code == 200


def test_the_email_comes_from_the_configured_claim(anonymous, world, provider, settings):
    settings.OIDC_EMAIL_CLAIM = "nhs_email"
    sign_in_through(anonymous, provider, email="someone@else.example", nhs_email="learner@example.org")
    assert signed_in_as(anonymous) == world["learner"].pk


@pytest.mark.parametrize(
    "case",
    ["wrong audience", "expired", "bad signature", "unknown email"],
)
def test_a_bad_token_or_an_unknown_person_signs_nobody_in(anonymous, world, provider, case):
    claims: dict[str, Any] = {"email": "learner@example.org"}
    if case == "wrong audience":
        claims["aud"] = "someone-else"
    elif case == "expired":
        claims["exp"] = int(time.time()) - 60
    elif case == "bad signature":
        provider.signing_key = OTHER_KEY
    else:
        claims["email"] = "stranger@example.org"
    users = User.objects.count()
    response = sign_in_through(anonymous, provider, **claims)
    assert signed_in_as(anonymous) is None
    assert User.objects.count() == users, "no account is ever created"
    if case == "unknown email":
        assert response.status_code == 403 and "no enhance account" in response.content.decode()


def test_staff_still_give_the_authenticator_code_unless_the_provider_counts_as_two_factors(
    anonymous, world, provider, settings
):
    lead = world["programme_lead"]
    sign_in_through(anonymous, provider, email=lead.email)
    page = anonymous.get(reverse("programmes:learner_list"))
    assert page.status_code == 302, "a staff session without the second factor goes no further"
    settings.OIDC_COUNTS_AS_SECOND_FACTOR = True
    from django.test import Client

    trusted = Client()
    sign_in_through(trusted, provider, email=lead.email)
    assert signed_in_as(trusted) == lead.pk
    assert trusted.get(reverse("programmes:learner_list")).status_code == 200
