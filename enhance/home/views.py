"""The home page (what is waiting for the signed-in person) and the learner page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from enhance.accounts.http import AuthedHttpRequest
from enhance.home import selectors
from enhance.programmes.access import get_person_for
from enhance.programmes.services import record_viewed


def home(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "home/home.html", selectors.home_page(request.user))


def learner(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    record_viewed(
        viewer=request.user, person_id=person.pk, what="Learner page", url=reverse("learner", args=[pk])
    )
    return render(request, "home/learner.html", selectors.learner_page(request.user, person))
