"""Whole-list downloads are streamed: the rows are read from the database a chunk at a time while
the file is sent, every row is there, and the cost in queries does not grow with the list."""

from __future__ import annotations

import csv
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
