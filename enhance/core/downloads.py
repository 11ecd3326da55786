"""Spreadsheet downloads of lists that can be long. A CSV or workbook of up to IN_BACKGROUND_FROM
rows is sent as it is written; a longer one is made in the background instead (a workbook of
20,000 rows takes seconds to write, a CSV of them a quarter of a second and megabytes), and its
page says so, updates itself and then offers the file. A page's download names a *sheet
maker*: a function of the person, the page's filters and the record's id that checks access
and gives the rows, so the background worker makes exactly the rows the person would have
downloaded, with their access as it is then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import Http404, HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string

from enhance.core import spreadsheets
from enhance.core.models import Download

IN_BACKGROUND_FROM = 2_000  # rows; a shorter download is written while the person waits
KEPT_FOR = dt.timedelta(days=7)
FORMATS = ("csv", "xlsx")
NO_LONGER_ALLOWED = "You can no longer see these records, so the file was not made."
FAILED = "Sorry, the file could not be made because of an error on our side. Please try again."


@dataclass
class Sheet:
    """What a download gives: its rows (header first), its name and sheet title, and how many
    rows it will have (counted in the database, without reading them)."""

    rows: Iterable[list[Any]]
    filename: str
    title: str
    size: Callable[[], int]


SheetMaker = Callable[..., Sheet]  # (person, the page's filters, the record's id or None) -> Sheet


def respond(request: HttpRequest, maker: SheetMaker, fmt: str, pk: int | None = None) -> HttpResponseBase:
    """The download a page's link asks for: streamed at once, or (a long one) made in the
    background, in which case the person is taken to its page."""
    if fmt not in FORMATS:
        raise Http404
    user: Any = request.user
    sheet = maker(user, request.GET, pk)
    if (rows := sheet.size()) > IN_BACKGROUND_FROM:
        query, filename = request.GET.urlencode(), f"{sheet.filename}.{fmt}"
        return redirect(
            download_request(actor=user, maker=maker, query=query, pk=pk, filename=filename, rows=rows)
        )
    return spreadsheets.download(sheet.rows, filename=sheet.filename, fmt=fmt, sheet=sheet.title)


@transaction.atomic
def download_request(
    *, actor: Any, maker: SheetMaker, query: str, pk: int | None, filename: str, rows: int
) -> Download:
    from enhance.core.tasks import make_download

    made = Download.objects.create(
        requested_by=actor,
        maker=f"{maker.__module__}.{maker.__qualname__}",
        query=query,
        pk_arg=pk,
        filename=filename,
        rows=rows,  # as counted when asked for; the rows written once made
    )
    transaction.on_commit(lambda: make_download.enqueue(download_id=made.pk))
    return made


def _counted(rows: Iterable[list[Any]], made: Download) -> Iterator[list[Any]]:
    """The rows as they are written, counting them on `made` (the header is not counted)."""
    made.rows = -1
    for row in rows:
        made.rows += 1
        yield row


def download_make(download_id: int) -> str:
    """The background half: write the file (CSV or workbook, as its name says) as the person
    who asked, or say why not."""
    made = Download.objects.select_related("requested_by").get(pk=download_id)
    if made.status != Download.Status.QUEUED:
        return "already made"
    Download.objects.filter(pk=made.pk).update(status=Download.Status.BUILDING)
    try:
        maker: SheetMaker = import_string(made.maker)
        sheet = maker(made.requested_by, QueryDict(made.query), made.pk_arg)
        rows = _counted(sheet.rows, made)
        if made.filename.endswith(".csv"):
            out = spreadsheets.csv_file(rows)
        else:
            out = spreadsheets.xlsx_file({sheet.title: rows})
        with out:
            made.file.save(made.filename, File(out), save=False)
    except (PermissionDenied, Http404):
        Download.objects.filter(pk=made.pk).update(status=Download.Status.FAILED, error=NO_LONGER_ALLOWED)
        return NO_LONGER_ALLOWED
    except Exception:  # the page says so rather than waiting for ever
        Download.objects.filter(pk=made.pk).update(status=Download.Status.FAILED, error=FAILED)
        raise
    made.status, made.finished_at = Download.Status.READY, timezone.now()
    made.save(update_fields=["file", "status", "finished_at", "rows"])
    return f"{made.rows} rows"


def get_download_for(user: Any, pk: int) -> Download:
    """A download is its requester's alone."""
    made = Download.objects.filter(pk=pk, requested_by=user).first()
    if made is None:
        raise Http404("No such download.")
    return made


def downloads_clear_old(now: dt.datetime | None = None) -> int:
    """Delete downloads (and their files) older than KEPT_FOR."""
    old = Download.objects.filter(created_at__lt=(now or timezone.now()) - KEPT_FOR)
    count = 0
    for made in old.iterator():
        if made.file:
            made.file.delete(save=False)
        made.delete()
        count += 1
    return count
