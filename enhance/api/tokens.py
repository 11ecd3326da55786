"""Creating, using and revoking personal access tokens. The token itself is shown once and
never stored: only its SHA-256 hash (tokens are long random strings, so a plain hash is
enough). Staff tokens need the staff member to have two factors set up."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.accounts.selectors import authenticator_app_of
from enhance.api.models import AccessToken
from enhance.programmes.access import scope_for

AREAS = {
    "programmes": "Programmes, localities and cohorts",
    "learners": "Learners and their memberships",
    "teaching": "Teaching sessions and attendance",
    "placements": "Placements: opportunities, blocks, runs and placements",
    "projects": "Projects, milestones and outputs",
    "expenses": "Travel claims",
    "portfolio": "ARCP readiness",
}
SCOPES = [f"{area}:{mode}" for area in AREAS for mode in ("read", "write")]
PREFIX = "enh_"
MAX_DAYS = 366
USE_RECORDED_EVERY = dt.timedelta(minutes=1)

NAME_NEEDED = "Say what the token is for."
CHOOSE_SCOPES = "Choose at least one area the token may use."
UNKNOWN_SCOPE = "{scope} is not a scope; choose from {scopes}."
DAYS_RANGE = "A token lasts from 1 to {most} days."
STAFF_NEED_TWO_FACTORS = "Set up your authenticator app first: staff tokens need two factors."
NOT_YOURS = "You can revoke only your own tokens."


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User, name: str, scopes: list[str], days: int) -> tuple[AccessToken, str]:
    """A new token for the actor; answers it and the key, which is shown once."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = NAME_NEEDED
    unknown = [s for s in scopes if s not in SCOPES]
    if not scopes:
        errors["scopes"] = CHOOSE_SCOPES
    elif unknown:
        errors["scopes"] = UNKNOWN_SCOPE.format(scope=unknown[0], scopes=", ".join(SCOPES))
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = DAYS_RANGE.format(most=MAX_DAYS)
    if errors:
        raise ValidationError(errors)
    if needs_two_factors(actor) and authenticator_app_of(actor) is None:
        raise PermissionDenied(STAFF_NEED_TWO_FACTORS)
    key = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=actor,
        name=name.strip()[:100],
        prefix=key[:10],
        key_hash=_hash(key),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return token, key


def needs_two_factors(user: User) -> bool:
    return user.is_staff or user.is_superuser or scope_for(user).is_staff


@transaction.atomic
def token_revoke(*, actor: User, token: AccessToken) -> AccessToken:
    if token.user_id != actor.pk:
        raise PermissionDenied(NOT_YOURS)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_key(key: str) -> AccessToken | None:
    """The usable token this key opens (not revoked, not expired, its owner active and, for
    staff, still with two factors), recording when it was last used (once a minute at most)."""
    if not key.startswith(PREFIX) or len(key) > 100:
        return None
    token = AccessToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    now = timezone.now()
    if token is None or not token.usable(now) or not token.user.is_active:
        return None
    if needs_two_factors(token.user) and authenticator_app_of(token.user) is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > USE_RECORDED_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
