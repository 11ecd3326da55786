"""A calendar feed is opened by its secret address alone (calendar programs cannot sign in):
the token is the access check."""

from __future__ import annotations

from django.http import Http404

from enhance.accounts.models import User
from enhance.calendars.models import FeedToken


def get_feed_owner_for(token: str) -> User:
    found = FeedToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if found is None:
        raise Http404("No calendar at this address.")
    return found.user
