"""The evaluation workbook: built in the background for the filters chosen, with a sheet per
table, the filters and a data dictionary, and the small-number rule as on the pages."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from enhance.evaluation.models import Workbook
from enhance.evaluation.tables import FEWER_THAN_5
from enhance.notifications.models import Notification


def _build(client, user, data, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("evaluation:workbook_new"), data)
    book = Workbook.objects.get(requested_by=user)
    assert response.url == book.get_absolute_url()
    return book


def test_a_lead_builds_the_workbook_and_downloads_it(
    client, world, surveyed, django_capture_on_commit_callbacks
):
    book = _build(client, world["programme_lead"], {"year": "2026"}, django_capture_on_commit_callbacks)
    page = client.get(book.get_absolute_url()).content.decode()
    assert "The workbook is ready." in page
    assert Notification.objects.filter(
        recipient=world["programme_lead"], kind="evaluation_workbook_ready"
    ).exists()
    download = client.get(book.get_absolute_url(), {"download": "1"})
    sheets = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    names = sheets.sheetnames
    assert names[0] == "Filters" and names[-1] == "Data dictionary" and len(names) > 15
    filters = {row[0]: row[1] for row in sheets["Filters"].iter_rows(values_only=True)}
    assert filters["Training year"] == "2026/27" and filters["Programme"] == "All"
    change = next(n for n in names if n.startswith("Confidence - Change"))
    values = [row for row in sheets[change].iter_rows(values_only=True)]
    assert any(FEWER_THAN_5 in row for row in values[1:])
    dictionary = list(sheets["Data dictionary"].iter_rows(values_only=True))
    assert ("Learners with both answers", "people") in {(r[1], r[2]) for r in dictionary}


def test_the_workbook_is_only_for_whoever_asked_for_it(client, world, django_capture_on_commit_callbacks):
    book = _build(client, world["programme_lead"], {}, django_capture_on_commit_callbacks)
    client.force_login(world["regional_lead"])
    assert client.get(book.get_absolute_url()).status_code == 403
    assert client.get(reverse("evaluation:workbook", args=[999999])).status_code == 404


def test_bad_filters_build_nothing(client, world):
    client.force_login(world["national_admin"])
    response = client.post(reverse("evaluation:workbook_new"), {"region": "nowhere"}, follow=True)
    assert "Correct the filters" in response.content.decode() and not Workbook.objects.exists()


def test_while_building_the_page_shows_progress_and_polls(client, world):
    book = Workbook.objects.create(requested_by=world["national_admin"], total=7, done=3, status="building")
    client.force_login(world["national_admin"])
    page = client.get(book.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "3 of 7 measures done" in page and 'hx-trigger="every 2s"' in page
