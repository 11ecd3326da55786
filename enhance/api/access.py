from __future__ import annotations

from django.http import Http404

from enhance.accounts.models import User
from enhance.api.models import AccessToken


def get_own_token_for(user: User, pk: int) -> AccessToken:
    token = AccessToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise Http404("No such token of yours.")
    return token
