"""Invitations: an email with a one-time, expiring link to set a password (allauth's reset
link, so it stops working once used and after PASSWORD_RESET_TIMEOUT)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from enhance.accounts.models import User

LINK_LINE = "Set your password with this link (it works once, for {days} days):\n{url}\n"


def set_password_link(user: User) -> str:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return f"{settings.SITE_URL}{path}"


def invitation_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def invite(user: User, subject: str, intro: str) -> None:
    """Send the invitation once the current transaction commits."""
    body = f"{intro}\n\n" + LINK_LINE.format(days=invitation_days(), url=set_password_link(user))
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


@task()
def invite_many(user_ids: list[int], subject: str, intro: str) -> int:
    """Invitations for many people (an import), in the background, over one connection to the
    mail server; anyone who has set a password since is skipped."""
    sent = 0
    with get_connection() as connection:
        for user in User.objects.filter(pk__in=user_ids).iterator(chunk_size=1000):
            if not user.has_usable_password():
                body = f"{intro}\n\n" + LINK_LINE.format(days=invitation_days(), url=set_password_link(user))
                send_mail(subject, body, None, [user.email], connection=connection)
                sent += 1
    return sent
