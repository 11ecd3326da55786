"""Whole-list downloads are streamed: the rows are read from the database a chunk at a time while
the file is sent, every row is there, and the cost in queries does not grow with the list. A
long one (CSV or workbook) is made in the background and offered from its own page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enhance.core import spreadsheets
from enhance.programmes.access import memberships_manageable_by
from enhance.programmes.models import Membership
from enhance.teaching.access import expected_memberships
from tests.factories import MembershipFactory
from tests.teaching.test_sessions import series

pytestmark = pytest.mark.django_db


def add_learners(world, n):
    for _ in range(n):
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)


def led(world):
    return memberships_manageable_by(world["programme_lead"]).filter(status=Membership.Status.ACTIVE)


# Each download, with the learners it lists.
DOWNLOADS = {
    "attendance": (lambda w, fmt: reverse("teaching:attendance_export", args=[fmt]), led),
    "readiness": (lambda w, fmt: reverse("portfolio:readiness_export", args=[fmt]), led),
    "register": (
        lambda w, fmt: reverse("teaching:register_export", args=[w.session.pk, fmt]),
        lambda w: expected_memberships(w.session),
    ),
}


@pytest.fixture
def session(world):
    world.session = series(world, count=1)[0]
    return world.session


def rows_of(response, fmt):
    body = response.getvalue()
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode())))
    return list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_download_streams_every_row_at_a_flat_query_cost(client, query_count, world, session, name, fmt):
    url_for, listed = DOWNLOADS[name]
    url = url_for(world, fmt)
    add_learners(world, 3)
    small = query_count(world["programme_lead"], url)
    add_learners(world, 40)
    assert query_count(world["programme_lead"], url) <= small

    response = client.get(url)
    assert response.streaming and response["Content-Disposition"].endswith(f'.{fmt}"')
    emails = [row[1 if name != "register" else 3] for row in rows_of(response, fmt)[1:]]
    assert sorted(emails) == sorted(m.person.email for m in listed(world).select_related("person"))
    assert len(emails) > 43


def test_the_csv_writer_sends_long_lists_in_chunks_and_keeps_formulas_as_text():
    rows = (["=1+1" if i == 0 else f"row {i}", i] for i in range(spreadsheets.CSV_ROWS_PER_CHUNK + 3))
    chunks = list(spreadsheets.csv_chunks(rows))
    assert len(chunks) == 2
    lines = "".join(chunks).splitlines()
    assert (
        lines[0] == "'=1+1,0"
        and lines[-1] == f"row {spreadsheets.CSV_ROWS_PER_CHUNK + 2},{spreadsheets.CSV_ROWS_PER_CHUNK + 2}"
    )


@pytest.fixture
def no_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_long_download_is_made_in_the_background_with_the_rows_a_short_one_has(
    client, world, session, name, fmt, no_worker, monkeypatch
):
    from enhance.core import downloads
    from enhance.core.models import Download

    monkeypatch.setattr(downloads, "IN_BACKGROUND_FROM", 10)
    url_for, listed = DOWNLOADS[name]
    add_learners(world, 12)
    client.force_login(world["programme_lead"])
    response = client.get(url_for(world, fmt))
    made = Download.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.filename.endswith(f".{fmt}")
    expected = listed(world).count()
    page = " ".join(client.get(made.get_absolute_url()).content.decode().split())
    assert f"Making a file of {expected} rows" in page and 'hx-trigger="every 2s"' in page
    assert client.get(reverse("download_file", args=[made.pk])).status_code == 404  # not made yet

    downloads.download_make(made.pk)  # the worker
    page = " ".join(client.get(made.get_absolute_url()).content.decode().split())
    assert f"The file is ready: {expected} rows" in page and 'hx-trigger="every 2s"' not in page
    file = client.get(reverse("download_file", args=[made.pk]))
    assert file["Content-Disposition"].endswith(f'{made.filename}"')
    made_rows = [[("" if v is None else str(v)) for v in row] for row in rows_of(file, fmt)]
    monkeypatch.setattr(downloads, "IN_BACKGROUND_FROM", 2_000)
    as_csv = rows_of(client.get(url_for(world, "csv")), "csv")  # the same list, sent at once
    assert [row[:4] for row in made_rows] == [row[:4] for row in as_csv] and len(made_rows) == expected + 1
    assert downloads.download_make(made.pk) == "already made"  # a second delivery changes nothing

    client.force_login(world["regional_lead"])  # someone else's download is not there for them
    assert client.get(made.get_absolute_url()).status_code == 404
    assert client.get(reverse("download_file", args=[made.pk])).status_code == 404


def test_a_short_workbook_is_sent_at_once(client, world, session, no_worker):
    from enhance.core.models import Download

    client.force_login(world["programme_lead"])
    response = client.get(reverse("teaching:attendance_export", args=["xlsx"]))
    assert response.status_code == 200 and response.streaming and not Download.objects.exists()


def test_a_workbook_whose_requester_lost_access_is_not_made(client, world, session, no_worker, monkeypatch):
    from enhance.core import downloads
    from enhance.core.models import Download

    monkeypatch.setattr(downloads, "IN_BACKGROUND_FROM", 1)
    client.force_login(world["programme_lead"])
    client.get(reverse("portfolio:readiness_export", args=["xlsx"]))
    made = Download.objects.get()
    world["programme_lead"].roles.all().delete()  # no longer a lead
    assert downloads.download_make(made.pk) == downloads.NO_LONGER_ALLOWED
    made.refresh_from_db()
    assert made.failed and not made.file
    page = client.get(made.get_absolute_url()).content.decode()
    assert "The file was not made" in page and "You can no longer see these records" in page


def test_a_workbook_that_fails_says_so_instead_of_waiting_for_ever(client, world, no_worker, monkeypatch):
    from enhance.core import downloads
    from enhance.core.models import Download

    monkeypatch.setattr(downloads, "IN_BACKGROUND_FROM", 1)
    add_learners(world, 3)
    client.force_login(world["programme_lead"])
    client.get(reverse("teaching:attendance_export", args=["xlsx"]))
    made = Download.objects.get()

    def broken(sheets):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(spreadsheets, "xlsx_file", broken)
    with pytest.raises(OSError, match="disk full"):
        downloads.download_make(made.pk)
    made.refresh_from_db()
    assert made.failed and made.error == downloads.FAILED


def test_workbooks_are_deleted_with_their_files_after_a_week(world, no_worker):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from enhance.core.downloads import downloads_clear_old
    from enhance.core.models import Download

    old, new = (
        Download.objects.create(requested_by=world["programme_lead"], maker="x", filename=f"{n}.xlsx")
        for n in ("old", "new")
    )
    for made in (old, new):
        made.file.save(made.filename, ContentFile(b"PK"), save=True)
    Download.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    storage, old_name = new.file.storage, Download.objects.get(pk=old.pk).file.name
    assert downloads_clear_old() == 1
    assert list(Download.objects.all()) == [new]
    assert not storage.exists(old_name) and storage.exists(new.file.name)


def test_the_download_page_costs_the_same_for_any_workbook(query_count, world):
    from enhance.core.models import Download

    lead = world["programme_lead"]
    small = Download.objects.create(requested_by=lead, maker="x", filename="a.xlsx", rows=3)
    large = Download.objects.create(requested_by=lead, maker="x", filename="b.xlsx", rows=30_000)
    few = query_count(world["programme_lead"], small.get_absolute_url())
    assert query_count(world["programme_lead"], large.get_absolute_url()) == few
