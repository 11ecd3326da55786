"""Sign-in: email and password, two factors for staff, throttling, password reset."""

from __future__ import annotations

import re

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, TOTP_SECRET, fresh_totp_code


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_learner_signs_in_with_email_and_password_and_sees_their_programme(client, world):
    response = sign_in(client, "LEARNER@example.org")
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert "My programme" in page
    assert "Midlands IMT" in page
    assert "Derbyshire" in page


def test_wrong_password_is_refused_with_a_clear_message(client, world):
    response = sign_in(client, "learner@example.org", "not-the-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_are_throttled_even_with_the_right_password_afterwards(client, world):
    for _ in range(5):
        sign_in(client, "learner@example.org", "wrong-password")
    response = sign_in(client, "learner@example.org")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429 or "Too many failed login attempts" in response.content.decode()


def test_staff_sign_in_asks_for_the_authenticator_code(client, world):
    response = sign_in(client, world["programme_lead"].email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Incorrect code" in wrong.content.decode()
    client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(TOTP_SECRET)})
    assert client.session["_auth_user_id"] == str(world["programme_lead"].pk)
    assert client.get(reverse("home")).status_code == 200


def test_staff_without_an_authenticator_must_set_one_up_before_anything_else(client, world):
    lead = world["programme_lead"]
    Authenticator.objects.filter(user=lead).delete()
    sign_in(client, lead.email)
    for url in (reverse("home"), reverse("programmes:learner_list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    # Setting up a second factor asks for the password once more, then shows the set-up page.
    confirm = client.get(reverse("mfa_activate_totp"))
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    client.post(confirm["Location"], {"password": PASSWORD})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": fresh_totp_code(secret)})
    assert Authenticator.objects.filter(user=lead, type="totp").exists()
    # The code entered at set-up counts as this session's second factor.
    assert client.get(reverse("home")).status_code == 200


def test_learners_need_no_second_factor(client, world):
    client.force_login(world["learner"])
    assert client.get(reverse("home")).status_code == 200


def test_self_sign_up_is_closed(client, db):
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode() or response.status_code == 403


def test_password_reset_email_lets_an_imported_learner_set_a_password(client, world):
    user = world["learner"]
    user.set_unusable_password()
    user.save()
    client.post(reverse("account_reset_password"), {"email": "learner@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new_password = "a-brand-new-passphrase"
    client.post(form_url, {"password1": new_password, "password2": new_password})
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_session_cookie_is_http_only_and_expires(settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


def test_pages_carry_a_strict_content_security_policy(client, world):
    client.force_login(world["learner"])
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_admin_login_page_sends_people_to_the_app_sign_in_with_two_factors(client, world):
    admin_user = world["national_admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    response = client.post(reverse("admin:login"), {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    # The app's sign-in asks for the authenticator code before the admin opens.
    sign_in(client, admin_user.email)
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(TOTP_SECRET)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_form_accepts_no_password_guessing(client, world):
    """Password guesses posted to the admin's own form never sign anyone in; the app's sign-in
    (which the admin now uses) throttles them."""
    admin_user = world["national_admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    for _ in range(10):
        client.post(reverse("admin:login"), {"username": admin_user.email, "password": "guess"})
    client.post(reverse("admin:login"), {"username": admin_user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    for _ in range(5):
        sign_in(client, admin_user.email, "wrong-password")
    response = sign_in(client, admin_user.email)
    assert response.status_code == 429 or "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_session_signed_in_without_the_second_factor_is_ended_for_staff(world):
    """A staff session made by any route that skipped the code (here, a password-only login)
    opens no page: it is signed out and sent to sign in."""
    from django.test import Client

    for url in (reverse("home"), reverse("programmes:learner_list"), "/admin/"):
        plain = Client()
        plain.force_login(world["programme_lead"])
        response = plain.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in plain.session


def test_superuser_without_a_role_still_needs_the_second_factor(world):
    from django.test import Client

    from enhance.accounts.models import User

    root = User.objects.create_superuser("root@example.org", PASSWORD)
    plain = Client()
    plain.force_login(root)
    assert plain.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_behind_a_proxy_sign_in_throttles_count_per_client_not_per_load_balancer(client, world, settings):
    """Ten failed sign-ins from one address behind the load balancer do not lock out a
    learner signing in from another."""
    from django.test import Client

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    balancer = {"REMOTE_ADDR": "10.0.0.5"}
    for n in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{n % 3}@example.org", "password": "guess"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **balancer,
        )
    other = Client()
    response = other.post(
        reverse("account_login"),
        {"login": "learner2@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
        **balancer,
    )
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(world["second_learner"].pk)
    blocked = client.post(
        reverse("account_login"),
        {"login": "learner@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        **balancer,
    )
    assert blocked.status_code == 429 or "Too many failed login attempts" in blocked.content.decode()
