"""run_and_report: a service's outcome becomes the next page's message."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from enhance.core.outcomes import run_and_report


def request_with_messages():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.user = "the actor"
    return request


def test_success_reports_the_done_message_built_from_the_result():
    request = request_with_messages()
    seen = {}

    def service(*, actor, n):
        seen["actor"] = actor
        return n * 2

    assert run_and_report(request, service, lambda r: f"Paired {r} learners.", n=2) is True
    assert seen["actor"] == "the actor"
    assert [str(m) for m in get_messages(request)] == ["Paired 4 learners."]


def test_a_refusal_reports_the_services_own_words():
    request = request_with_messages()

    def service(*, actor):
        raise ValidationError(["Booking has closed.", "The session has started."])

    assert run_and_report(request, service, "Booked.") is False
    messages = list(get_messages(request))
    assert [str(m) for m in messages] == ["Booking has closed. The session has started."]
    assert messages[0].level_tag == "error"
