from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.paging import page_of
from enhance.core.text import counted
from enhance.notifications import kinds, selectors
from enhance.notifications.access import get_notification_for
from enhance.notifications.forms import PreferencesForm
from enhance.notifications.services import email_preferences_set, notifications_mark_read


def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    page = page_of(request, selectors.notifications_newest_first(request.user))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def notification_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for(request.user, pk)
    notifications_mark_read(actor=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def notification_mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    count = notifications_mark_read(actor=request.user)
    messages.success(request, f"Marked {counted(count, 'notification')} as read.")
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST or None,
        current=selectors.email_choices_of(request.user),
        digest=selectors.wants_digest(request.user),
    )
    if request.method == "POST" and form.is_valid():
        email_preferences_set(actor=request.user, choices=form.choices(), digest=form.digest())
        messages.success(request, "Your email choices were saved.")
        return redirect("notifications:preferences")
    urgent = [k for k in kinds.all_kinds() if k.urgent]
    return render(request, "notifications/preferences.html", {"form": form, "urgent": urgent})
