from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.paging import page_of
from enhance.portfolio import assessments, coverage, evidence, requirements, services
from enhance.portfolio.forms import (
    AssessmentRequestForm,
    AssessorForm,
    CommentForm,
    EvidencePackForm,
    ReflectionForm,
    RequirementSetForm,
    RuleForm,
)
from enhance.portfolio.models import Assessment, AssessmentType, EvidencePack, Reflection, RequirementSet
from enhance.programmes.access import get_cohort_for, memberships_manageable_by, programmes_run_by, scope_for
from enhance.programmes.models import Membership, Person


def reflection_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    visible = (
        services.reflections_visible_to(request.user).select_related("person").prefetch_related("domains")
    )
    mine = visible.filter(person_id=scope.person_id or 0)
    shared = visible.exclude(person_id=scope.person_id or 0)
    if not scope.is_learner and not scope.is_staff:
        raise PermissionDenied
    return render(
        request,
        "portfolio/reflection_list.html",
        {
            "mine": page_of(request, mine) if scope.is_learner else None,
            "shared": shared[:50],
            "is_learner": scope.is_learner,
        },
    )


def _reflection(request: AuthedHttpRequest, pk: int) -> Reflection:
    reflection = (
        Reflection.objects.select_related(
            "person", "session", "placement__opportunity", "clinic__clinic_type"
        )
        .filter(pk=pk)
        .first()
    )
    if reflection is None:
        raise Http404
    if not services.reflections_visible_to(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return reflection


@require_http_methods(["GET", "POST"])
def reflection_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.person_id is None:
        raise PermissionDenied
    reflection = _reflection(request, pk) if pk else Reflection()
    if pk and reflection.person_id != scope.person_id:
        raise PermissionDenied
    person = Person.objects.get(pk=scope.person_id)
    form = ReflectionForm(request.POST or None, instance=reflection, user=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "finish"
        try:
            saved = services.reflection_save(
                actor=request.user,
                reflection=form.save(commit=False),
                domains=form.cleaned_data["domains"],
                themes=form.cleaned_data["themes"],
                publish=publish,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Reflection saved." if publish else "Draft saved.")
            return redirect("portfolio:reflection_detail", pk=saved.pk)
    return render(request, "portfolio/reflection_form.html", {"form": form, "reflection": reflection})


@require_http_methods(["GET", "POST"])
def reflection_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reflection = _reflection(request, pk)
    can_comment = services.can_comment(request.user, reflection)
    form = CommentForm(request.POST or None) if can_comment else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            services.comment_add(actor=request.user, reflection=reflection, text=form.cleaned_data["text"])
            messages.success(request, "Comment added.")
            return redirect("portfolio:reflection_detail", pk=pk)
    return render(
        request,
        "portfolio/reflection_detail.html",
        {
            "reflection": reflection,
            "form": form,
            "comments": reflection.comments.select_related("author"),
            "is_author": reflection.person.user_id == request.user.pk,
            "domains": reflection.domains.all(),
            "themes": reflection.themes.all(),
        },
    )


# --- Assessments --------------------------------------------------------------------------


def assessment_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    mine = Assessment.objects.filter(person_id=scope.person_id or 0).select_related("type")
    completed_by_me = Assessment.objects.filter(
        assessor_email__iexact=request.user.email, status=Assessment.Status.COMPLETED
    ).select_related("type", "person")
    return render(
        request,
        "portfolio/assessment_list.html",
        {
            "page": page_of(request, mine) if scope.is_learner else None,
            "types": AssessmentType.objects.all(),
            "completed_by_me": completed_by_me[:50],
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_request(request: AuthedHttpRequest) -> HttpResponse:
    if scope_for(request.user).person_id is None:
        raise PermissionDenied
    kind = AssessmentType.objects.filter(code=request.GET.get("type", "")).first()
    if kind is None:
        return render(request, "portfolio/assessment_type.html", {"types": AssessmentType.objects.all()})
    form = AssessmentRequestForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = assessments.assessment_request(
                actor=request.user,
                assessment=Assessment(
                    type=kind,
                    setting=data["setting"],
                    date=data["date"],
                    encounter=data["encounter"],
                    assessor_email=data["assessor_email"],
                    details=form.details(),
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Request sent to {made.assessor_email}.")
            return redirect("portfolio:assessment_detail", pk=made.pk)
    return render(request, "portfolio/assessment_form.html", {"form": form, "kind": kind})


def _assessment(request: AuthedHttpRequest, pk: int) -> Assessment:
    found = Assessment.objects.select_related("type", "person").filter(pk=pk).first()
    if found is None:
        raise Http404
    scope = scope_for(request.user)
    visible = (
        found.person_id == scope.person_id
        or found.person_id in scope.supervised
        or found.assessor_email.lower() == request.user.email.lower()
    )
    if not visible:
        raise PermissionDenied
    return found


def assessment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = _assessment(request, pk)
    return render(
        request,
        "portfolio/assessment_detail.html",
        {"a": found, "is_owner": found.person.user_id == request.user.pk},
    )


@require_http_methods(["POST"])
def assessment_action(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = _assessment(request, pk)
    try:
        if request.POST.get("action") == "withdraw":
            assessments.assessment_withdraw(actor=request.user, assessment=found)
            messages.success(request, "Request withdrawn: the link no longer works.")
        else:
            assessments.assessment_resend(actor=request.user, assessment=found)
            messages.success(request, "A new link was sent; the old one no longer works.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("portfolio:assessment_detail", pk=pk)


@login_not_required
@require_http_methods(["GET", "POST"])
def assessor(request: HttpRequest, token: str) -> HttpResponse:
    """The page an assessor without an account opens from the email."""
    found, problem = assessments.from_token(token)
    if found is None:
        return render(request, "portfolio/assessor_done.html", {"message": problem}, status=410)
    form = AssessorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessments.assessment_complete(token=token, answers=form.cleaned_data)
        except ValidationError as exc:
            return render(
                request, "portfolio/assessor_done.html", {"message": " ".join(exc.messages)}, status=410
            )
        return render(
            request,
            "portfolio/assessor_done.html",
            {"message": "Thank you: the assessment is complete and now locked.", "done": True},
        )
    return render(request, "portfolio/assessor.html", {"a": found, "form": form})


# --- Coverage -----------------------------------------------------------------------------


def my_coverage(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    membership = (
        Membership.objects.filter(person_id=scope.person_id or 0, status="active")
        .select_related("programme", "person")
        .first()
    )
    if membership is None:
        raise PermissionDenied
    return render(request, "portfolio/coverage.html", {"membership": membership, **coverage.grid(membership)})


def cohort_coverage(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cohort = get_cohort_for(request.user, pk)
    memberships = list(
        memberships_manageable_by(request.user)
        .filter(cohort=cohort, status="active")
        .select_related("person", "programme")
        .order_by("person__surname")
    )
    if not memberships and not scope_for(request.user).manages_learners:
        raise PermissionDenied
    domains, rows = coverage.heat_map(memberships)
    return render(
        request, "portfolio/cohort_coverage.html", {"cohort": cohort, "domains": domains, "rows": rows}
    )


# --- Requirements and ARCP readiness ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def requirement_sets(request: AuthedHttpRequest) -> HttpResponse:
    programmes = programmes_run_by(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = RequirementSetForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            made = requirements.requirement_set_save(
                actor=request.user, requirement_set=form.save(commit=False)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("portfolio:requirement_set", pk=made.pk)
    sets = (
        RequirementSet.objects.filter(programme__in=programmes)
        .select_related("programme")
        .prefetch_related("rules__assessment_type")
    )
    return render(request, "portfolio/requirement_sets.html", {"sets": sets, "form": form})


@require_http_methods(["GET", "POST"])
def requirement_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = RequirementSet.objects.select_related("programme").filter(pk=pk).first()
    if found is None:
        raise Http404
    if not programmes_run_by(request.user).filter(pk=found.programme_id).exists():
        raise PermissionDenied
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            found.rules.filter(pk=request.POST["delete"]).delete()
            messages.success(request, "Rule removed.")
            return redirect("portfolio:requirement_set", pk=pk)
        if form.is_valid():
            try:
                requirements.rule_add(actor=request.user, requirement_set=found, rule=form.save(commit=False))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Rule added.")
                return redirect("portfolio:requirement_set", pk=pk)
    return render(
        request,
        "portfolio/requirement_set.html",
        {"set": found, "rules": found.rules.select_related("assessment_type"), "form": form},
    )


def my_progress(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    membership = (
        Membership.objects.filter(person_id=scope.person_id or 0, status="active")
        .select_related("programme", "person")
        .first()
    )
    if membership is None:
        raise PermissionDenied
    return render(request, "portfolio/progress.html", {"progress": requirements.progress_for(membership)})


def readiness(request: AuthedHttpRequest) -> HttpResponse:
    """Leads: who is behind before their ARCP, red first (or by ARCP date)."""
    user = request.user
    if not scope_for(user).manages_learners:
        raise PermissionDenied
    memberships = (
        memberships_manageable_by(user)
        .filter(status="active")
        .select_related("person", "programme", "cohort")
        .order_by("arcp_date", "person__surname")
    )
    page = page_of(request, memberships)
    rows = requirements.progress_many(list(page.object_list))
    if request.GET.get("sort") != "arcp":
        order = {"red": 0, "amber": 1, "green": 2, "none": 3}
        rows.sort(key=lambda p: order[p.rag])
    return render(request, "portfolio/readiness.html", {"page": page, "rows": rows})


# --- Evidence packs --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evidence_packs(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.person_id is None:
        raise PermissionDenied
    form = EvidencePackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pack = evidence.pack_request(
                actor=request.user, start=form.cleaned_data["starts_on"], end=form.cleaned_data["ends_on"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("portfolio:evidence_pack", pk=pack.pk)
    packs = EvidencePack.objects.filter(person_id=scope.person_id)[:20]
    return render(request, "portfolio/evidence_packs.html", {"form": form, "packs": packs})


def evidence_pack(request: AuthedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    pack = EvidencePack.objects.filter(pk=pk).first()
    if pack is None:
        raise Http404
    if pack.person_id != scope_for(request.user).person_id:
        raise PermissionDenied
    if request.GET.get("download") and pack.status == EvidencePack.Status.READY:
        response = FileResponse(
            pack.file.open("rb"),
            content_type="application/zip",
            as_attachment=True,
            filename=f"enhance-evidence-{pack.starts_on}-to-{pack.ends_on}.zip",
        )
        return response
    return render(request, "portfolio/evidence_pack_status.html", {"pack": pack})
