from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from enhance.core.downloads import get_download_for


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitors: answers without signing in."""
    return HttpResponse("ok", content_type="text/plain")


def download(request: HttpRequest, pk: int) -> HttpResponse:
    """A long download being made in the background: its progress, then the file."""
    made = get_download_for(request.user, pk)
    return render(request, "core/download.html", {"made": made})


def download_file(request: HttpRequest, pk: int) -> FileResponse:
    made = get_download_for(request.user, pk)
    if not made.ready:
        raise Http404("This file is not ready.")
    return FileResponse(made.file.open("rb"), as_attachment=True, filename=made.filename)
