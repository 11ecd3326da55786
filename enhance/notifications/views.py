from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.paging import page_of
from enhance.notifications import kinds
from enhance.notifications.models import EmailPreference, Notification
from enhance.notifications.services import email_preferences_set, notifications_mark_read


def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = page_of(request, qs)
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def notification_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(actor=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def notification_mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    count = notifications_mark_read(actor=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds.all_kinds():
            if kind.urgent:
                continue
            self.fields[kind.code] = forms.BooleanField(
                label=kind.label, required=False, initial=current.get(kind.code, True)
            )


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    current = dict(EmailPreference.objects.filter(user=request.user).values_list("kind", "email"))
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        email_preferences_set(actor=request.user, choices=form.cleaned_data)
        messages.success(request, "Your email choices were saved.")
        return redirect("notifications:preferences")
    urgent = [k for k in kinds.all_kinds() if k.urgent]
    return render(request, "notifications/preferences.html", {"form": form, "urgent": urgent})
