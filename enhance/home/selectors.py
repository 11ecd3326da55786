"""What each person's home page lists: what is waiting for them, most urgent first, built from
every area's own reads. Each section costs a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.text import counted
from enhance.evaluation import selectors as surveys
from enhance.expenses import selectors as expenses
from enhance.placements import selectors as placements
from enhance.portfolio import selectors as portfolio
from enhance.programmes import selectors as programmes
from enhance.programmes.access import Scope, scope_for
from enhance.programmes.models import Membership
from enhance.projects import selectors as projects
from enhance.teaching import selectors as teaching
from enhance.teaching.rates import read_once as attendance_read_once

SOON = dt.timedelta(days=14)
ARRIVING = dt.timedelta(days=28)
SHOWN = 5


@dataclass(frozen=True)
class Item:
    text: str
    url: str
    note: str = ""
    urgent: bool = False
    due: dt.date | None = None


@dataclass
class Section:
    title: str
    empty: str
    items: list[Item] = field(default_factory=list)
    count: int | None = None
    more: str = ""
    more_text: str = ""


def _day(value: dt.datetime | dt.date) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


def _age(since: dt.datetime | dt.date | None, today: dt.date) -> str:
    if since is None:
        return ""
    days = (today - _day(since)).days
    return "today" if days <= 0 else f"waiting {counted(days, 'day')}"


def _by_due(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (not i.urgent, i.due or dt.date.max))


# --- Learners ---------------------------------------------------------------------------------


def learner_todo(user: User, person_id: int, now: dt.datetime) -> Section:
    """Deadlines and things returned to the learner, most urgent first."""
    today = timezone.localtime(now).date()
    items: list[Item] = []
    for block in placements.blocks_to_rank(user, now):
        closes = timezone.localtime(block.preferences_close_at)
        verb = "Change your ranking" if block.ranked else "Rank your placement preferences"
        items.append(
            Item(
                f"{verb}: {block.name}",
                reverse("placements:preferences", args=[block.pk]),
                f"closes {closes:%-d %b %Y, %H:%M}",
                urgent=not block.ranked,
                due=closes.date(),
            )
        )
    for pairing_round in projects.rounds_to_rank(person_id):
        verb = "Change your partner ranking" if pairing_round.ranked else "Rank the partners"
        items.append(
            Item(
                f"{verb}: {pairing_round.name}",
                reverse("projects:round", args=[pairing_round.pk]),
                urgent=not pairing_round.ranked,
            )
        )
    for claim in expenses.returned_claims_of(person_id):
        items.append(
            Item(
                f"Answer your returned claim for {claim.month:%B %Y}",
                reverse("expenses:claim_detail", args=[claim.pk]),
                "returned to you",
                urgent=True,
                due=today,
            )
        )
    for entry in placements.queried_clinics_of(person_id):
        items.append(
            Item(
                f"Answer the question on your clinic of {entry.date:%-d %b %Y}",
                reverse("placements:placement_detail", args=[entry.placement_id]),
                "queried",
                urgent=True,
                due=today,
            )
        )
    for milestone in projects.milestones_due_for(person_id, today, SOON * 2):
        late = milestone.due_on < today
        items.append(
            Item(
                f"{milestone.name}: {milestone.project.title}",
                reverse("projects:project", args=[milestone.project_id]),
                ("overdue since " if late else "due ") + f"{milestone.due_on:%-d %b %Y}",
                urgent=late,
                due=milestone.due_on,
            )
        )
    for wave in surveys.open_waves_of(person_id):
        items.append(
            Item(
                f"Answer your {wave.label.lower()} survey",
                wave.get_absolute_url(),
                f"closes {wave.closes_on:%-d %b %Y}",
                due=wave.closes_on,
            )
        )
    for assessment in portfolio.pending_assessments_of(person_id):
        items.append(
            Item(
                f"{assessment.type.code} with {assessment.assessor_name or assessment.assessor_email}",
                reverse("portfolio:assessment_detail", args=[assessment.pk]),
                assessment.get_status_display(),
            )
        )
    for leave in teaching.own_leave_waiting(person_id):
        items.append(
            Item(
                f"Study leave from {leave.starts_on:%-d %b %Y}",
                reverse("teaching:leave"),
                "waiting for a decision",
            )
        )
    return Section("What needs doing", "Nothing is waiting for you.", _by_due(items))


def learner_home(user: User, scope: Scope, now: dt.datetime, memberships: list[Membership]) -> dict[str, Any]:
    person_id = scope.person_id or 0
    today = timezone.localtime(now).date()
    active = [m for m in memberships if m.status == Membership.Status.ACTIVE]
    project = projects.project_of(person_id)
    with attendance_read_once():  # readiness's attendance rule counts from the same reading
        attendance = teaching.attendance_both(active, now)
        readiness = portfolio.readiness_of(active, today)
    return {
        "todo": learner_todo(user, person_id, now),
        "next_sessions": teaching.next_sessions_for(user, now),
        "attendance": attendance,
        "readiness": readiness,
        "placement": placements.placement_now_or_next(person_id, today),
        "project": project,
        "next_milestone": projects.next_milestone(project) if project else None,
    }


# --- Leads (programme, regional, locality) --------------------------------------------------


def _waiting(items: QuerySet[Any, Any], since: str) -> tuple[int, Any]:
    """How many are waiting, and since when the oldest has (one query)."""
    found = items.order_by().aggregate(n=Count("pk"), oldest=Min(since))
    return found["n"], found["oldest"]


def lead_approvals(user: User, today: dt.date) -> Section:
    waiting = (
        (
            teaching.leave_requests_waiting_for(user),
            "created_at",
            "study leave request",
            "to decide",
            "teaching:leave",
        ),
        (
            expenses.claims_to_decide(user),
            "submitted_at",
            "travel claim",
            "to decide",
            "expenses:approvals",
        ),
        (
            projects.days_unconfirmed(user, today),
            "date",
            "immersive day",
            "not confirmed by the partner",
            "projects:board",
        ),
    )
    items = []
    for found, since, label, state, url in waiting:
        count, oldest = _waiting(found, since)
        if count:
            items.append(
                Item(
                    f"{counted(count, label)} {state}",
                    reverse(url),
                    _age(oldest, today),
                    state == "to decide",
                )
            )
    return Section("Approvals waiting", "No approvals are waiting for you.", items)


# The at-risk panel reads the whole of a lead's scope (every learner's kept attendance, ARCP
# readiness, overdue milestones, sign-ins): each lead's is kept this many seconds.
AT_RISK_KEPT_FOR = 300


def lead_at_risk(user: User, now: dt.datetime) -> Section:
    """The lead's learners at risk, as counted at most AT_RISK_KEPT_FOR seconds ago."""
    key = f"home:at-risk:{user.pk}:{timezone.localtime(now).date()}"
    return cache.get_or_set(key, lambda: _lead_at_risk(user, now), AT_RISK_KEPT_FOR)  # type: ignore[return-value]


def _lead_at_risk(user: User, now: dt.datetime) -> Section:
    today = timezone.localtime(now).date()
    # The three most at risk and how many in all, from the kept figures. Counted apart: a
    # count over the rows in the same query reads every one of them before the first three.
    teaching.attendance_waiting(user)
    out_of_reach = teaching.learners_for_attendance(user, {"standing": "out_of_reach"})
    top = list(out_of_reach[:3])
    attendance_url = reverse("teaching:attendance")
    items = [
        Item(
            f"{m.person.full_name}: attendance {m.att_rate}% cannot reach {m.att_threshold}% this year",
            reverse("learner", args=[m.person_id]),
            m.programme.name,
            urgent=True,
        )
        for m in top
    ]
    count = out_of_reach.count()
    if count > len(items):
        items.append(
            Item(
                f"All {count} learners whose attendance is out of reach",
                attendance_url + "?standing=out_of_reach",
            )
        )
    for m in portfolio.red_before_arcp(user, today)[:3]:
        items.append(
            Item(
                f"{m.person.full_name}: ARCP readiness red",
                reverse("learner", args=[m.person_id]),
                f"ARCP on {m.arcp_date:%-d %b %Y}",
                urgent=True,
                due=m.arcp_date,
            )
        )
    overdue = projects.projects_overdue(user, today)
    for project in overdue[:3]:
        items.append(
            Item(
                f"{project.title} ({project.lead.person.full_name})",
                reverse("projects:project", args=[project.pk]),
                f"{counted(project.overdue, 'milestone')} overdue",
            )
        )
    silent = programmes.never_signed_in(user).count()
    if silent:
        items.append(
            Item(
                f"{counted(silent, 'learner')} never signed in",
                reverse("programmes:learner_list"),
            )
        )
    return Section(
        "Learners at risk", "No learner is at risk.", items, count, attendance_url, "Attendance by learner"
    )


def lead_sessions(user: User, now: dt.datetime) -> Section:
    items = [
        Item(
            f"Close the register: {s.title}",
            reverse("teaching:register", args=[s.pk]),
            f"held {timezone.localtime(s.starts_at):%-d %b %Y}",
            urgent=True,
        )
        for s in teaching.registers_to_close(user, now)[:SHOWN]
    ]
    items += [
        Item(
            s.title,
            reverse("teaching:session_detail", args=[s.pk]),
            f"{timezone.localtime(s.starts_at):%a %-d %b, %H:%M}",
        )
        for s in teaching.sessions_this_week(user, now)[:SHOWN]
    ]
    return Section(
        "Sessions this week and registers to close",
        "No sessions this week and no registers to close.",
        items,
        more=reverse("teaching:timetable"),
        more_text="All sessions",
    )


def lead_closing(user: User, now: dt.datetime) -> Section:
    items = [
        Item(
            f"Placement preferences close: {b.name} ({b.cohort.name})",
            reverse("placements:block_detail", args=[b.pk]),
            f"{timezone.localtime(b.preferences_close_at):%-d %b %Y, %H:%M}",
            due=_day(b.preferences_close_at),
        )
        for b in placements.blocks_closing(user, now, SOON)[:SHOWN]
    ]
    items += [
        Item(
            f"Pairing round open: {r.name} ({r.cohort.name})",
            reverse("projects:round", args=[r.pk]),
            "confirm pairs when ready",
        )
        for r in projects.rounds_open(user)[:SHOWN]
    ]
    items += [
        Item(
            f"Import waiting: {batch.filename}",
            reverse("programmes:import_detail", args=[batch.pk]),
            _age(batch.created_at, _day(now)),
        )
        for batch in programmes.imports_waiting(user)[:SHOWN]
    ]
    return Section(
        "Closing soon and imports waiting", "Nothing is closing in the next two weeks.", _by_due(items)
    )


# --- Other staff roles ----------------------------------------------------------------------


def supervisor_section(user: User, today: dt.date) -> Section:
    items = [
        Item(
            f"Comment on {r.person.full_name}'s reflection: {r.title}",
            reverse("portfolio:reflection_detail", args=[r.pk]),
            _age(r.updated_at, today),
        )
        for r in portfolio.reflections_to_comment(user)[:SHOWN]
    ]
    items += [
        Item(
            f"Approve the assessor for {a.person.full_name}'s {a.type.code}",
            reverse("portfolio:assessment_detail", args=[a.pk]),
            _age(a.created_at, today),
            urgent=True,
        )
        for a in portfolio.assessors_to_approve(user)[:SHOWN]
    ]
    items += [
        Item(
            f"Meeting due: {p.title} ({p.lead.person.full_name})",
            reverse("projects:project", args=[p.pk]),
            f"last met {p.last_meeting:%-d %b %Y}" if p.last_meeting else "no meeting yet",
        )
        for p in projects.meetings_due(user, today)[:SHOWN]
    ]
    return Section(
        "My supervisees",
        "Nothing is waiting from your supervisees.",
        _by_due(items),
        more=reverse("projects:supervising"),
        more_text="Projects I supervise",
    )


def faculty_section(user: User, now: dt.datetime) -> Section:
    items = [
        Item(
            s.title,
            reverse("teaching:session_detail", args=[s.pk]),
            f"{timezone.localtime(s.starts_at):%a %-d %b, %H:%M}",
        )
        for s in teaching.timetable_sessions(user, past=False, now=now).order_by("starts_at", "pk")[:SHOWN]
    ]
    items += [
        Item(
            f"Feedback on {s.title}: {s.average:.1f} of 5 from {s.responses}",
            reverse("teaching:feedback_summary"),
        )
        for s in teaching.feedback_by_session(user)[:3]
    ]
    return Section(
        "Sessions I run",
        "You have no sessions coming up.",
        items,
        more=reverse("teaching:timetable"),
        more_text="All my sessions",
    )


def community_section(user: User, today: dt.date) -> Section:
    clinics = placements.clinics_to_confirm(user)
    items = [
        Item(
            f"Confirm {e.placement.membership.person.full_name}'s clinic of {e.date:%-d %b %Y}",
            reverse("placements:placement_detail", args=[e.placement_id]),
            e.clinic_type.name,
            urgent=True,
        )
        for e in clinics[:SHOWN]
    ]
    items += [
        Item(
            f"{p.membership.person.full_name} arrives: {p.opportunity.title}",
            reverse("placements:placement_detail", args=[p.pk]),
            f"from {p.starts_on:%-d %b %Y}",
            due=p.starts_on,
        )
        for p in placements.arriving(user, today, ARRIVING)[:SHOWN]
    ]
    return Section(
        "Clinics and arrivals",
        "No clinics to confirm and nobody arriving in the next four weeks.",
        _by_due(items),
        clinics.count(),
        reverse("placements:incoming"),
        "All incoming learners",
    )


def partner_section(user: User, today: dt.date) -> Section:
    items = [
        Item(
            f"Confirm {d.pairing.membership.person.full_name}'s immersive day",
            reverse("projects:partner_view"),
            f"{d.date:%-d %b %Y}",
            urgent=True,
            due=d.date,
        )
        for d in projects.days_to_confirm(user, today)[:SHOWN]
    ]
    return Section(
        "Immersive days to confirm",
        "No immersive days are waiting for you.",
        items,
        more=reverse("projects:partner_view"),
        more_text="My learners and projects",
    )


def finance_section(user: User) -> Section:
    items = []
    for org in expenses.finance_waiting(user):
        if org.to_export:
            items.append(
                Item(
                    f"{org.name}: {counted(org.to_export, 'approved claim')} to export",
                    reverse("expenses:finance"),
                    urgent=True,
                )
            )
        if org.unpaid:
            items.append(
                Item(
                    f"{org.name}: {counted(org.unpaid, 'exported claim')} awaiting payment",
                    reverse("expenses:finance"),
                )
            )
    return Section("Claims to pay", "No claims are waiting for export or payment.", items)


def staff_sections(user: User, scope: Scope, now: dt.datetime) -> list[Section]:
    today = timezone.localtime(now).date()
    sections = []
    if scope.manages_learners:
        sections += [
            lead_approvals(user, today),
            lead_at_risk(user, now),
            lead_sessions(user, now),
            lead_closing(user, now),
        ]
    if scope.supervised:
        sections.append(supervisor_section(user, today))
    if scope.faculty_programmes:
        sections.append(faculty_section(user, now))
    if scope.community_orgs:
        sections.append(community_section(user, today))
    if scope.partner_orgs:
        sections.append(partner_section(user, today))
    if scope.finance_orgs:
        sections.append(finance_section(user))
    return sections


def home_page(user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    scope = scope_for(user)
    context: dict[str, Any] = {"scope": scope}
    if scope.is_learner:
        context.update(programmes.learner_home(user, scope.person_id or 0))
        context.update(learner_home(user, scope, now, context["memberships"]))
    if scope.is_staff:
        context["sections"] = staff_sections(user, scope, now)
        context.update(programmes.staff_home(user))
    return context


# --- The learner page -------------------------------------------------------------------------


def learner_page(user: User, person: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything about one learner the viewer may see, section by section; each area's own
    visibility rules decide what a supervisor, finance officer or partner sees."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    scope = scope_for(user)
    context = programmes.learner_profile(user, person)
    sees_record = bool(context["is_self"] or context["manageable"] or scope.admin)
    active = [m for m in context["memberships"] if m.status == Membership.Status.ACTIVE]
    context.update(
        {
            "sees_record": sees_record,
            "placements": placements.placements_of_person(user, person.pk),
            "claims": expenses.claims_of_person(user, person.pk),
            "reflections": portfolio.reflections_of_person(user, person.pk),
            "projects": projects.projects_of_person(user, person.pk),
            "sees_assessments": sees_record or person.pk in scope.supervised,
            "opens_assessments": context["is_self"] or person.pk in scope.supervised,
        }
    )
    if sees_record:
        with attendance_read_once():  # readiness's attendance rule counts from the same reading
            context["attendance"] = teaching.attendance_record(active, now)
            context["readiness"] = portfolio.readiness_of(active, today)
        context["leave"] = teaching.leave_of_person(context["memberships"])
    if context["sees_assessments"]:
        context["assessments"] = portfolio.assessments_of_person(person.pk)
    return context
