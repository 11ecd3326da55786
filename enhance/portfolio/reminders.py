"""Daily reminders of the portfolio: a chaser to assessors who have not answered in seven days
(while their link still works), and a warning to learners red eight weeks before their ARCP,
and to their leads. Each goes once."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from enhance.notifications.services import Message, notify_many
from enhance.portfolio import readiness
from enhance.portfolio.assessments import link_url
from enhance.portfolio.models import Assessment
from enhance.portfolio.notifications import ARCP_RED
from enhance.programmes.models import Membership
from enhance.programmes.selectors import leads_of

CHASE_AFTER = dt.timedelta(days=7)
ARCP_WARNING = dt.timedelta(weeks=8)
CHASER_SUBJECT = "Reminder: a {code} for {person} is waiting for you"
CHASER_BODY = (
    "{person} asked you on {asked:%d %B} to complete a {name} ({code}) for the encounter on "
    "{date:%d %B %Y}. The link works until {expires:%d %B %Y}:\n{url}\n"
)
ARCP_RED_TITLE = "ARCP on {date:%-d %B %Y}: requirements still to meet"
ARCP_RED_LEAD_TITLE = "{person}: ARCP on {date:%-d %B %Y} with requirements still to meet"


def assessor_chasers_send(now: dt.datetime) -> int:
    sent = 0
    waiting = Assessment.objects.filter(
        status=Assessment.Status.REQUESTED,
        created_at__lte=now - CHASE_AFTER,
        link_expires_at__gt=now,
        chased_at__isnull=True,
    ).select_related("type", "person")
    for a in waiting:
        with transaction.atomic():
            if not Assessment.objects.filter(pk=a.pk, chased_at__isnull=True).update(chased_at=now):
                continue
            fields = {"code": a.type.code, "person": a.person.full_name, "name": a.type.name}
            body = CHASER_BODY.format(
                asked=timezone.localtime(a.created_at),
                date=a.date,
                expires=timezone.localtime(a.link_expires_at),
                url=link_url(a),
                **fields,
            )
            subject = CHASER_SUBJECT.format(**fields)
            transaction.on_commit(
                lambda s=subject, b=body, to=a.assessor_email: send_mail(s, b, None, [to])  # type: ignore[misc]
            )
        sent += 1
    return sent


def arcp_red_warnings_send(today: dt.date) -> int:
    """Learners whose ARCP is eight weeks away or less and who are red, once per ARCP date."""
    not_yet_told = Membership.objects.exclude(arcp_reminded_for=F("arcp_date"))
    messages = []
    for m in readiness.red_before_arcp(not_yet_told, today, ARCP_WARNING).select_related("person__user"):
        if (
            not Membership.objects.filter(pk=m.pk)
            .exclude(arcp_reminded_for=m.arcp_date)
            .update(arcp_reminded_for=m.arcp_date)
        ):
            continue
        url = reverse("learner", args=[m.person_id])
        if m.person.user:
            messages.append(Message(m.person.user, ARCP_RED_TITLE.format(date=m.arcp_date), url=url))
        title = ARCP_RED_LEAD_TITLE.format(person=m.person.full_name, date=m.arcp_date)
        messages += [Message(lead, title, url=url) for lead in leads_of(m)]
    return len(notify_many(kind=ARCP_RED.code, messages=messages))
