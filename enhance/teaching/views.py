from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core import downloads
from enhance.core.forms import add_service_errors, form_errors
from enhance.core.outcomes import run_and_report
from enhance.core.paging import page_of
from enhance.core.text import counted
from enhance.programmes.access import programmes_run_by, programmes_visible_to, scope_for
from enhance.programmes.selectors import current_membership
from enhance.teaching import access, selectors, services
from enhance.teaching.downloads import attendance_sheet, register_sheet
from enhance.teaching.forms import (
    RATING_NEEDED,
    STATUS_CHOICES,
    STATUS_NEEDED,
    ApologiesForm,
    AttendanceFilterForm,
    CheckInForm,
    DecisionForm,
    FeedbackForm,
    LeaveForm,
    MaterialForm,
    RegisterForm,
    SessionForm,
    SessionScopeForm,
)
from enhance.teaching.models import Session
from enhance.teaching.standing import figures

REGISTER_PAGE_SIZE = 100  # a programme-wide session can expect thousands of learners
LEAVE_WITHDRAWN = "Study leave withdrawn: the days are back in your balance and your leads were told."


def timetable(request: AuthedHttpRequest) -> HttpResponse:
    """Learners: their sessions, upcoming and past, with their status. Staff: the sessions
    they run or facilitate."""
    user, now = request.user, timezone.now()
    is_learner = scope_for(user).is_learner
    show_past = request.GET.get("when") == "past"
    sessions = selectors.timetable_sessions(user, past=show_past, now=now)
    context = {
        "summaries": selectors.attendance_of_learner(user, now) if is_learner else [],
        "page": page_of(request, sessions),
        "show_past": show_past,
        "is_learner": is_learner,
        "can_add": access.can_add_sessions(user),
        "sees_attendance": scope_for(user).manages_learners,
    }
    return render(request, "teaching/timetable.html", context)


@require_http_methods(["GET", "POST"])
def session_create(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_runs_sessions(request.user)
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.session_series_create(actor=request.user, **form.series())
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, f"Created {counted(len(created), 'session')}.")
            return redirect(created[0])
    return render(request, "teaching/session_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def session_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk, write=True)
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        whole_series = SessionScopeForm(request.POST).whole_series()
        fields, m2m = form.changes(), form.m2m()
        try:
            changed = services.session_update(
                actor=request.user,
                session=access.get_session_for(request.user, pk, write=True),  # unchanged by the form
                fields=fields,
                m2m=m2m,
                whole_series=whole_series,
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, f"Saved {counted(len(changed), 'session')}.")
            return redirect(session)
    context = {"form": form, "session": session, "scope_form": SessionScopeForm(auto_id="scope-%s")}
    return render(request, "teaching/session_form.html", context)


def session_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    context = selectors.session_page(request.user, session, timezone.now())
    context.update(form=CheckInForm(), feedback_form=FeedbackForm(), apologies_form=ApologiesForm())
    context["material_form"] = MaterialForm(auto_id="material-%s")
    return render(request, "teaching/session_detail.html", context)


@require_POST
def feedback(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, RATING_NEEDED)
    else:
        run_and_report(
            request,
            services.feedback_give,
            "Thank you for your feedback.",
            session=session,
            **form.cleaned_data,
        )
    return redirect(session)


def feedback_summary(request: AuthedHttpRequest) -> HttpResponse:
    """Feedback per session and per facilitator, for the sessions this person runs."""
    user = request.user
    if not programmes_run_by(user).exists() and not access.sessions_for_staff(user).exists():
        raise PermissionDenied
    per_session = page_of(request, selectors.feedback_by_session(user))
    context = {"page": per_session, "per_facilitator": selectors.feedback_by_facilitator(user)}
    return render(request, "teaching/feedback_summary.html", context)


@require_POST
def session_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    services.session_cancel(actor=request.user, session=session)
    messages.success(request, "Session cancelled. Learners were told.")
    return redirect(session)


@require_POST
def apologies(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    form = ApologiesForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        run_and_report(
            request,
            services.apologies_send,
            "Your apologies were sent.",
            session=session,
            **form.cleaned_data,
        )
    return redirect(session)


def _check_in(request: AuthedHttpRequest, session: Session, code: str) -> HttpResponse:
    done = lambda attendance: f"You are checked in: {attendance.status_label}."  # noqa: E731
    run_and_report(request, services.check_in, done, session=session, code=code)
    return redirect(session)


@require_POST
def check_in(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    form = CheckInForm(request.POST)
    return _check_in(request, session, form.cleaned_data["code"] if form.is_valid() else "")


@require_http_methods(["GET", "POST"])
def scan(request: AuthedHttpRequest, pk: int, token: str) -> HttpResponse:
    """Where the QR code leads: a page with one button, so a link preview never checks in."""
    session = access.get_session_for(request.user, pk)
    if request.method == "POST":
        return _check_in(request, session, token)
    return render(request, "teaching/scan.html", {"session": session, "token": token})


def screen(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_register_session_for(request.user, pk)
    _, code = services.code_for_display(session)
    context = {
        "session": session,
        "code": code,
        "period": services.CODE_PERIOD,
        "window": services.current_window(),
    }
    return render(request, "teaching/screen.html", context)


def qr_svg(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_register_session_for(request.user, pk)
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
    """The register, a page of learners at a time (searchable by name), saved page by page."""
    session = access.get_register_session_for(request.user, pk)
    q = request.GET.get("q", "").strip()[:100]
    page = page_of(request, selectors.register_learners(session, q), REGISTER_PAGE_SIZE)
    rows = selectors.register_rows(session, page.object_list)
    form = RegisterForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, STATUS_NEEDED)
        else:
            done = lambda changed: f"Register saved ({counted(changed, 'change')})."  # noqa: E731
            statuses, rest = form.statuses(), form.rest()
            run_and_report(
                request, services.register_save, done, session=session, statuses=statuses, rest=rest
            )
        return redirect(request.get_full_path())
    context = {"session": session, "rows": rows, "page": page, "q": q, "form": form, "now": timezone.now()}
    return render(request, "teaching/register.html", {**context, "choices": STATUS_CHOICES})


@require_POST
def register_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_register_session_for(request.user, pk)
    done = lambda n: f"Register closed: {counted(n, 'learner')} not recorded."  # noqa: E731
    run_and_report(request, services.register_close, done, session=session)
    return redirect("teaching:register", pk=pk)


def register_export(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    return downloads.respond(request, register_sheet, fmt, pk=pk)


@require_http_methods(["GET", "POST"])
def leave(request: AuthedHttpRequest) -> HttpResponse:
    """Learners: balance, requests and a new request. Leads: requests waiting for them."""
    membership = current_membership(request.user)
    manages = scope_for(request.user).manages_learners
    if membership is None and not manages:
        raise PermissionDenied
    if membership is None and request.method == "POST":
        raise PermissionDenied
    form = LeaveForm(request.POST or None, sessions=selectors.upcoming_sessions_for(request.user))
    if membership is not None and request.method == "POST" and form.is_valid():
        try:
            services.leave_request_submit(actor=request.user, membership=membership, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Study leave requested. Your lead will decide.")
            return redirect("teaching:leave")
    context = selectors.leave_page(request.user, membership, manages)
    if membership is not None:
        context["form"] = form
    if manages:
        context.update(pending=page_of(request, context["pending"]), decision_form=DecisionForm())
    return render(request, "teaching/leave.html", context)


@require_POST
def leave_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    leave_request = access.get_own_leave_request_for(request.user, pk)
    try:
        services.leave_withdraw(actor=request.user, request=leave_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, LEAVE_WITHDRAWN)
    return redirect("teaching:leave")


@require_POST
def leave_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    leave_request = access.get_leave_request_for(request.user, pk)
    form = DecisionForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    try:
        services.leave_decide(
            actor=request.user, request=leave_request, approve=form.approve, comment=comment
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Decision saved. The learner was told.")
    return redirect("teaching:leave")


def attendance(request: AuthedHttpRequest) -> HttpResponse:
    """Leads: each learner's attendance this year, those at risk first, filtered and paged."""
    access.ensure_sees_attendance(request.user)
    form = AttendanceFilterForm(request.GET or None, programmes=programmes_visible_to(request.user))
    waiting = selectors.attendance_waiting(request.user)
    page = page_of(request, selectors.learners_for_attendance(request.user, form.filters()))
    rows = [(m, figures(m)) for m in page.object_list]
    context = {"page": page, "rows": rows, "form": form, "waiting": waiting}
    return render(request, "teaching/attendance.html", context)


def attendance_export(request: AuthedHttpRequest, fmt: str) -> HttpResponseBase:
    """The attendance list as filtered, every learner, as CSV or XLSX."""
    return downloads.respond(request, attendance_sheet, fmt)


@require_POST
def booking(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    run_and_report(request, services.place_book, lambda booking: booking.outcome, session=session)
    return redirect(session)


@require_POST
def booking_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    run_and_report(request, services.place_cancel, "Your place was given up.", session=session)
    return redirect(session)


def certificate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A PDF certificate of attendance for the learner's e-portfolio."""
    from weasyprint import HTML

    session = access.get_session_for(request.user, pk)
    context = selectors.certificate(request.user, session)
    if context is None:
        raise PermissionDenied("Certificates are for learners who attended.")
    pdf = HTML(string=render_to_string("teaching/certificate.html", context)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="enhance-certificate-{session.pk}.pdf"'
    return response


@require_POST
def material_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        run_and_report(
            request, services.material_add, "File added to the session.", session=session, **form.upload()
        )
    return redirect(session)


def material_download(request: AuthedHttpRequest, pk: int, file_pk: int) -> FileResponse:
    material = access.get_material_for(request.user, pk, file_pk)
    name = material.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        material.file.open("rb"), content_type=material.content_type, as_attachment=True, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
