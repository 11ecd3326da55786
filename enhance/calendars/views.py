from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.calendars import selectors
from enhance.calendars.access import get_feed_owner_for
from enhance.calendars.events import events_for
from enhance.calendars.forms import WindowForm
from enhance.calendars.services import feed_token_for, feed_token_reset, to_ical
from enhance.core.paging import page_of


def my_calendar(request: AuthedHttpRequest) -> HttpResponse:
    """The person's events four weeks at a time (from today unless another day is chosen),
    paged, and the address of their calendar feed."""
    token = feed_token_for(request.user)
    form = WindowForm(request.GET or None)
    first = form.first_day()
    page = page_of(request, selectors.events_in_window(request.user, first))
    feed_url = request.build_absolute_uri(reverse("calendars:feed", args=[token.token]))
    context = {"page": page, "form": form, "feed_url": feed_url, **selectors.window(first)}
    return render(request, "calendars/my_calendar.html", context)


@require_POST
def reset_feed(request: AuthedHttpRequest) -> HttpResponse:
    feed_token_reset(actor=request.user)
    messages.success(request, "Your calendar address was changed. The old address no longer works.")
    return redirect("calendars:mine")


@login_not_required
def feed(request: HttpRequest, token: str) -> HttpResponse:
    body = to_ical(events_for(get_feed_owner_for(token)), name="enhance")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
