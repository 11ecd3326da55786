from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core import spreadsheets
from enhance.core.paging import page_of
from enhance.programmes.access import scope_for
from enhance.teaching import leave as leave_rules
from enhance.teaching import services
from enhance.teaching.forms import (
    STATUS_CHOICES,
    CheckInForm,
    DecisionForm,
    FeedbackForm,
    LeaveForm,
    SessionForm,
)
from enhance.teaching.models import Attendance, Booking, Feedback, LeaveRequest, Material, Session
from enhance.teaching.services import FEEDBACK_OPENS_BEFORE_END


def timetable(request: AuthedHttpRequest) -> HttpResponse:
    """Learners: their sessions, upcoming and past, with their status. Staff: the sessions
    they run or facilitate."""
    user = request.user
    scope = scope_for(user)
    now = timezone.now()
    if scope.is_learner:
        sessions = services.sessions_for_learner(user)
        membership_ids = list(
            services.Membership.objects.filter(person_id=scope.person_id or 0).values_list("pk", flat=True)
        )
        sessions = sessions.select_related("topic", "venue").prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.filter(membership_id__in=membership_ids),
                to_attr="mine",
            )
        )
    else:
        sessions = services.sessions_for_staff(user).select_related("topic", "venue", "programme")
    show_past = request.GET.get("when") == "past"
    sessions = (
        sessions.filter(ends_at__lt=now).order_by("-starts_at")
        if show_past
        else sessions.filter(ends_at__gte=now)
    )
    summaries = []
    if scope.is_learner:
        memberships = list(
            services.Membership.objects.filter(
                person_id=scope.person_id or 0, status="active"
            ).select_related("programme")
        )
        found = services.attendance_summaries(memberships, now)
        summaries = [(m, found[m.pk]) for m in memberships]
    return render(
        request,
        "teaching/timetable.html",
        {
            "summaries": summaries,
            "page": page_of(request, sessions),
            "show_past": show_past,
            "is_learner": scope.is_learner,
            "can_add": services.programmes_run_by(user).exists(),
        },
    )


def _session(request: AuthedHttpRequest, pk: int) -> Session:
    session = Session.objects.select_related("programme", "topic", "venue").filter(pk=pk).first()
    if session is None:
        raise Http404
    user = request.user
    if not (services.can_take_register(user, session) or services.learner_membership_for(user, session)):
        raise PermissionDenied
    return session


@require_http_methods(["GET", "POST"])
def session_create(request: AuthedHttpRequest) -> HttpResponse:
    if not services.programmes_run_by(request.user).exists():
        raise PermissionDenied
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.session_series_create(
                actor=request.user,
                session=form.save(commit=False),
                m2m=form.m2m(),
                repeat=form.cleaned_data.get("repeat") or "none",
                count=form.cleaned_data.get("count") or 1,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Created {len(created)} session{'s' if len(created) != 1 else ''}.")
            return redirect("teaching:session_detail", pk=created[0].pk)
    return render(request, "teaching/session_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def session_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not services.sessions_manageable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {
            k: v
            for k, v in form.cleaned_data.items()
            if k in ("title", "topic", "mode", "venue", "online_link", "starts_at", "ends_at", "materials")
        }
        try:
            changed = services.session_update(
                actor=request.user,
                session=Session.objects.get(pk=pk),
                fields=fields,
                m2m=form.m2m(),
                whole_series=request.POST.get("scope") == "series",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Saved {len(changed)} session{'s' if len(changed) != 1 else ''}.")
            return redirect("teaching:session_detail", pk=pk)
    return render(request, "teaching/session_form.html", {"form": form, "session": session})


def session_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    membership = services.learner_membership_for(request.user, session)
    mine = Attendance.objects.filter(session=session, membership=membership).first() if membership else None
    opens, closes = services.checkin_window(session)
    now = timezone.now()
    return render(
        request,
        "teaching/session_detail.html",
        {
            "session": session,
            "membership": membership,
            "mine": mine,
            "staff": services.can_take_register(request.user, session),
            "manager": services.sessions_manageable_by(request.user).filter(pk=pk).exists(),
            "checkin_open": opens <= now <= closes and not session.cancelled,
            "before_start": now < session.starts_at,
            "form": CheckInForm(),
            "facilitators": session.facilitators.all(),
            "domains": session.domains.all(),
            "feedback_form": FeedbackForm(),
            "can_give_feedback": bool(
                membership
                and mine
                and mine.status in Attendance.ATTENDED
                and now >= session.ends_at - FEEDBACK_OPENS_BEFORE_END
                and not Feedback.objects.filter(session=session, membership=membership).exists()
            ),
            "results": _results(session) if services.can_take_register(request.user, session) else None,
            "booking": Booking.objects.filter(session=session, membership=membership).first()
            if membership
            else None,
            "places_taken": Booking.objects.filter(session=session, waitlisted=False).count(),
            "files": session.files.all(),
        },
    )


def _results(session: Session) -> dict[str, object]:
    feedback = list(Feedback.objects.filter(session=session).order_by("created_at"))
    ratings = [f.rating for f in feedback]
    return {
        "count": len(ratings),
        "average": round(sum(ratings) / len(ratings), 1) if ratings else None,
        "spread": [(n, ratings.count(n)) for n in range(5, 0, -1)],
        "worked": [f.worked for f in feedback if f.worked],
        "change": [f.change for f in feedback if f.change],
    }


@require_POST
def feedback(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a rating from 1 to 5.")
        return redirect("teaching:session_detail", pk=pk)
    try:
        services.feedback_give(actor=request.user, session=session, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you for your feedback.")
    return redirect("teaching:session_detail", pk=pk)


def feedback_summary(request: AuthedHttpRequest) -> HttpResponse:
    """Feedback per session and per facilitator, for the sessions this person runs."""
    sessions = services.sessions_for_staff(request.user)
    if not services.programmes_run_by(request.user).exists() and not sessions.exists():
        raise PermissionDenied
    per_session = (
        sessions.filter(feedback__isnull=False)
        .annotate(average=Avg("feedback__rating"), responses=Count("feedback"))
        .order_by("-starts_at")
    )
    per_facilitator = (
        Feedback.objects.filter(session__in=sessions)
        .values("session__facilitators__full_name", "session__facilitators__email")
        .annotate(average=Avg("rating"), responses=Count("id"), sessions=Count("session", distinct=True))
        .order_by("session__facilitators__full_name")
    )
    return render(
        request,
        "teaching/feedback_summary.html",
        {"page": page_of(request, per_session), "per_facilitator": per_facilitator},
    )


@require_POST
def session_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    services.session_cancel(actor=request.user, session=session)
    messages.success(request, "Session cancelled. Learners were told.")
    return redirect("teaching:session_detail", pk=pk)


@require_POST
def apologies(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        services.apologies_send(actor=request.user, session=session, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Your apologies were sent.")
    return redirect("teaching:session_detail", pk=pk)


@require_POST
def check_in(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        attendance = services.check_in(actor=request.user, session=session, code=request.POST.get("code", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You are checked in: {attendance.get_status_display().lower()}.")
    return redirect("teaching:session_detail", pk=pk)


@require_http_methods(["GET", "POST"])
def scan(request: AuthedHttpRequest, pk: int, token: str) -> HttpResponse:
    """Where the QR code leads: a page with one button, so a link preview never checks in."""
    session = _session(request, pk)
    if request.method == "POST":
        try:
            attendance = services.check_in(actor=request.user, session=session, code=token)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("teaching:session_detail", pk=pk)
        messages.success(request, f"You are checked in: {attendance.get_status_display().lower()}.")
        return redirect("teaching:session_detail", pk=pk)
    return render(request, "teaching/scan.html", {"session": session, "token": token})


def screen(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not services.can_take_register(request.user, session):
        raise PermissionDenied
    _, code = services.code_for_display(session)
    return render(
        request,
        "teaching/screen.html",
        {
            "session": session,
            "code": code,
            "period": services.CODE_PERIOD,
            "window": services.current_window(),
        },
    )


def qr_svg(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not services.can_take_register(request.user, session):
        raise PermissionDenied
    token, _ = services.code_for_display(session)
    url = request.build_absolute_uri(reverse("teaching:scan", args=[session.pk, token]))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=20)
    out = io.BytesIO()
    image.save(out)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def register(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not services.can_take_register(request.user, session):
        raise PermissionDenied
    expected = list(
        services.expected_memberships(session)
        .select_related("person")
        .order_by("person__surname", "person__forename")
    )
    current = {a.membership_id: a for a in Attendance.objects.filter(session=session)}
    if request.method == "POST":
        default = request.POST.get("all")
        statuses = {}
        for m in expected:
            # "Everyone" fills only the learners not yet marked: check-ins and apologies stay.
            chosen = request.POST.get(f"status-{m.pk}") or (default if m.pk not in current else "")
            if chosen:
                statuses[m.pk] = chosen
        try:
            changed = services.register_save(actor=request.user, session=session, statuses=statuses)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Register saved ({changed} change{'s' if changed != 1 else ''}).")
        return redirect("teaching:register", pk=pk)
    rows = [(m, current.get(m.pk)) for m in expected]
    return render(
        request, "teaching/register.html", {"session": session, "rows": rows, "choices": STATUS_CHOICES}
    )


def register_export(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    session = _session(request, pk)
    if not services.can_take_register(request.user, session):
        raise PermissionDenied
    if fmt not in ("csv", "xlsx"):
        raise Http404
    current = {a.membership_id: a for a in Attendance.objects.filter(session=session)}
    when = f"{timezone.localtime(session.starts_at):%d/%m/%Y %H:%M}"
    rows = [["Session", "Date", "Learner", "Email", "Status", "Checked in at"]]
    for m in services.expected_memberships(session).select_related("person").order_by("person__surname"):
        a = current.get(m.pk)
        rows.append(
            [
                session.title,
                when,
                m.person.full_name,
                m.person.email,
                a.get_status_display() if a else "Not recorded",
                f"{timezone.localtime(a.checked_in_at):%H:%M}" if a and a.checked_in_at else "",
            ]
        )
    return spreadsheets.download(rows, filename=f"register-{session.pk}", fmt=fmt, sheet="Register")


def leave(request: AuthedHttpRequest) -> HttpResponse:
    """Learners: balance, requests and a new request. Leads: requests waiting for them."""
    user = request.user
    scope = scope_for(user)
    context: dict[str, object] = {}
    membership = (
        services.Membership.objects.filter(person_id=scope.person_id or 0, status="active")
        .select_related("programme", "person")
        .first()
    )
    if membership is not None:
        upcoming = services.sessions_for_learner(user).filter(starts_at__gte=timezone.now(), cancelled=False)
        form = LeaveForm(request.POST or None, sessions=upcoming)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                leave_rules.leave_request_submit(
                    actor=user,
                    membership=membership,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    part=data["part"],
                    reason=data["reason"],
                    session=data["session"],
                    external_course=data["external_course"],
                    estimated_cost_pence=int((data["estimated_cost"] or 0) * 100),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Study leave requested. Your lead will decide.")
                return redirect("teaching:leave")
        context.update(
            form=form,
            balance=leave_rules.balance(membership, timezone.localdate()),
            requests=LeaveRequest.objects.filter(membership=membership).select_related("session")[:20],
        )
    elif request.method == "POST":
        raise PermissionDenied
    if scope.manages_learners:
        from enhance.programmes.access import memberships_manageable_by

        context["pending"] = page_of(
            request,
            LeaveRequest.objects.filter(
                membership__in=memberships_manageable_by(user), status=LeaveRequest.Status.SUBMITTED
            )
            .select_related("membership__person", "session")
            .order_by("starts_on"),
        )
        context["decision_form"] = DecisionForm()
    if not context:
        raise PermissionDenied
    return render(request, "teaching/leave.html", context)


@require_POST
def leave_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    leave_request = LeaveRequest.objects.filter(pk=pk).first()
    if leave_request is None:
        raise Http404
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        leave_rules.leave_decide(
            actor=request.user,
            request=leave_request,
            approve=request.POST.get("decision") == "approve",
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Decision saved. The learner was told.")
    return redirect("teaching:leave")


def attendance(request: AuthedHttpRequest) -> HttpResponse:
    """Leads: each learner's attendance rate against the threshold, those at risk first."""
    programmes = services.programmes_run_by(request.user)
    if not programmes.exists():
        raise PermissionDenied
    memberships = (
        services.Membership.objects.filter(programme__in=programmes, status="active")
        .select_related("person", "programme", "cohort", "locality")
        .order_by("person__surname", "person__forename")
    )
    page = page_of(request, memberships)
    found = services.attendance_summaries(list(page.object_list))
    rows = sorted(
        ((m, found[m.pk]) for m in page.object_list),
        key=lambda row: (row[1]["reachable"], row[1]["rate"] if row[1]["rate"] is not None else 101),
    )
    return render(request, "teaching/attendance.html", {"page": page, "rows": rows})


@require_POST
def booking(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        if request.POST.get("action") == "cancel":
            services.place_cancel(actor=request.user, session=session)
            messages.success(request, "Your place was given up.")
        else:
            made = services.place_book(actor=request.user, session=session)
            messages.success(
                request, "You are on the waiting list." if made.waitlisted else "Your place is booked."
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("teaching:session_detail", pk=pk)


def certificate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A PDF certificate of attendance for the learner's e-portfolio."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    session = _session(request, pk)
    membership = services.learner_membership_for(request.user, session)
    attendance = (
        Attendance.objects.filter(
            session=session, membership=membership, status__in=Attendance.ATTENDED
        ).first()
        if membership
        else None
    )
    if membership is None or attendance is None:
        raise PermissionDenied("Certificates are for learners who attended.")
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    html = render_to_string(
        "teaching/certificate.html",
        {
            "session": session,
            "membership": membership,
            "attendance": attendance,
            "hours": f"{minutes / 60:g}",
            "domains": [d.name for d in session.domains.all()],
            "reference": f"ENH-S{session.pk}-M{membership.pk}",
            "issued": timezone.localdate(),
        },
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="enhance-certificate-{session.pk}.pdf"'
    return response


@require_POST
def material_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError("Choose a file to upload.")
        services.material_add(
            actor=request.user, session=session, title=request.POST.get("title", ""), upload=upload
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "File added to the session.")
    return redirect("teaching:session_detail", pk=pk)


def material_download(request: AuthedHttpRequest, pk: int, file_pk: int) -> FileResponse:
    session = _session(request, pk)
    material = Material.objects.filter(pk=file_pk, session=session).first()
    if material is None:
        raise Http404
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type,
        as_attachment=True,
        filename=material.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
