from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.forms import add_service_errors
from enhance.core.spreadsheets import download
from enhance.evaluation import access, selectors, surveys
from enhance.evaluation.counting import COUNTING, FAILED, figures_or_counting
from enhance.evaluation.filters import filters_from
from enhance.evaluation.forms import AnswerForm, ScheduleForm
from enhance.evaluation.measures import MEASURES
from enhance.evaluation.tables import download_rows, for_page, ruled
from enhance.evaluation.workbook import workbook_request
from enhance.programmes.access import own_person_id

THANKS = "Thank you: your answers are saved. Staff see only totals for groups of five or more."
SCHEDULE_SAVED = "The survey schedule is saved. Surveys already opened keep their dates."
FIX_FILTERS = "Correct the filters to see the figures."


def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    """The evaluation's front page: the filters, the measures, and the workbook."""
    access.require_dashboards(request.user)
    form, filters = filters_from(request.GET, request.user)
    context = {"form": form, "valid": filters is not None, "measures": MEASURES.values()}
    context["workbooks"] = selectors.workbooks_of(request.user.pk)
    return render(request, "evaluation/dashboard.html", context)


def measure(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """One measure's tables, each with its chart and downloads, for the filters chosen."""
    info = access.get_measure(request.user, slug)
    form, filters = filters_from(request.GET, request.user)
    found = figures_or_counting(request.user, info.slug, filters) if filters is not None else []
    tables = [for_page(t) for t in found] if isinstance(found, list) else []
    context = {"info": info, "form": form, "tables": tables, "measures": MEASURES.values()}
    context.update(counting=found == COUNTING, failed=found == FAILED)
    return render(request, "evaluation/measure.html", {**context, "valid": filters is not None})


def measure_download(request: AuthedHttpRequest, slug: str, table: str, fmt: str) -> StreamingHttpResponse:
    """Exactly the table on the page (the small-number rule applied), as CSV or XLSX."""
    info = access.get_measure(request.user, slug)
    _form, filters = filters_from(request.GET, request.user)
    if filters is None or fmt not in ("csv", "xlsx"):
        raise Http404(FIX_FILTERS)
    found = [t for t in ruled(info.build, request.user, filters) if t.slug == table]
    if not found:
        raise Http404("No such table.")
    return download(
        download_rows(found[0]), filename=f"enhance-{slug}-{table}", fmt=fmt, sheet=found[0].title
    )


@require_POST
def workbook_new(request: AuthedHttpRequest) -> HttpResponse:
    access.require_dashboards(request.user)
    _form, filters = filters_from(request.POST, request.user)
    if filters is None:
        messages.error(request, FIX_FILTERS)
        return redirect("evaluation:dashboard")
    return redirect(workbook_request(actor=request.user, filters=filters))


def workbook(request: AuthedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    book = access.get_workbook_for(request.user, pk)
    if request.GET.get("download") and book.ready:
        return FileResponse(
            book.file.open("rb"), as_attachment=True, filename=book.file.name.rsplit("/", 1)[-1]
        )
    partial = request.headers.get("HX-Request")
    template = "evaluation/_workbook_status.html" if partial else "evaluation/workbook.html"
    return render(request, template, {"book": book})


def my_surveys(request: AuthedHttpRequest) -> HttpResponse:
    """A learner's surveys: those open to answer, and their own answers over time."""
    person_id = own_person_id(request.user)
    context = {"open": selectors.open_waves_of(person_id), "mine": selectors.own_answers(person_id)}
    return render(request, "evaluation/my_surveys.html", context)


@require_http_methods(["GET", "POST"])
def answer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    wave = access.get_wave_for_answer(request.user, pk)
    form = AnswerForm(request.POST or None, items=list(surveys.items_for(wave.cohort.programme_id)))
    if request.method == "POST" and form.is_valid():
        try:
            surveys.response_submit(actor=request.user, wave=wave, answers=form.answers())
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, THANKS)
            return redirect("evaluation:my_surveys")
    return render(request, "evaluation/answer.html", {"wave": wave, "form": form})


@require_http_methods(["GET", "POST"])
def schedule(request: AuthedHttpRequest, programme_pk: int) -> HttpResponse:
    """When a programme's learners are asked, and each survey's responses so far."""
    programme = access.get_programme_for_schedule(request.user, programme_pk)
    form = ScheduleForm(request.POST or None, instance=surveys.schedule_of(programme))
    if request.method == "POST" and form.is_valid():
        surveys.schedule_save(actor=request.user, schedule=form.instance)
        messages.success(request, SCHEDULE_SAVED)
        return redirect("evaluation:schedule", programme.pk)
    context = {"programme": programme, "form": form, "rows": selectors.schedule_rows(programme)}
    return render(request, "evaluation/schedule.html", context)
