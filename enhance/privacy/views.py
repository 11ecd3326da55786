from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.forms import add_service_errors
from enhance.privacy import access, erasure, selectors, services
from enhance.privacy.forms import EraseForm
from enhance.programmes.access import own_person_id


def my_data(request: AuthedHttpRequest) -> HttpResponse:
    """A person's own page: ask for a copy of their data, and the copies made so far."""
    person_id = own_person_id(request.user)
    context = {"exports": selectors.exports_of(person_id), "person_id": person_id}
    return render(request, "privacy/my_data.html", context)


@require_POST
def export_request(request: AuthedHttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_export(request.user, person_pk)
    export = services.data_export_request(actor=request.user, person=person)
    return redirect(export)


def export_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    export = access.get_export_for(request.user, pk)
    if request.GET.get("download") and export.ready:
        name = f"enhance-data-{export.created_at:%Y-%m-%d}.zip"
        return FileResponse(
            export.file.open("rb"), content_type="application/zip", as_attachment=True, filename=name
        )
    template = "privacy/_export_status.html" if request.headers.get("HX-Request") else "privacy/export.html"
    return render(request, template, {"export": export})


@require_http_methods(["GET", "POST"])
def erase(request: AuthedHttpRequest, person_pk: int) -> HttpResponse:
    """A national admin erases a person who has left (refused, with reasons, while anything of
    theirs is open)."""
    person = access.get_person_to_erase(request.user, person_pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.person_erase(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "The person was erased. What they took part in is still counted.")
            return redirect("programmes:learner_list")
    context = {"person": person, "form": form, "blockers": erasure.erasure_blockers(person)}
    return render(request, "privacy/erase.html", context)
