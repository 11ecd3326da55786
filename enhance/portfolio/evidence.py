"""Evidence packs for the national e-portfolio: everything recorded in a date range, as a PDF
and as CSV and JSON, in one zip."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from enhance.accounts.models import User
from enhance.core.spreadsheets import csv_text
from enhance.notifications.services import notify
from enhance.placements.models import ClinicEntry
from enhance.portfolio.coverage import coverage_for
from enhance.portfolio.models import Assessment, EvidencePack, Reflection
from enhance.portfolio.notifications import PACK_READY
from enhance.programmes.access import scope_for
from enhance.programmes.models import Membership, Person
from enhance.teaching.models import Attendance

# Messages people see when a rule refuses them (tests assert them by name).
ONLY_LEARNERS_MAKE_EVIDENCE_PACKS = "Only learners make evidence packs."
END_DATE_AFTER_START_DATE = "The end date must be on or after the start date."
CHOOSE_MOST_FIVE_YEARS = "Choose at most five years."


def collect(person_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The evidence as plain data (what the JSON file holds)."""
    in_range = {"gte": start, "lte": end}
    attendance = (
        Attendance.objects.filter(
            membership__person_id=person_id,
            session__starts_at__date__gte=in_range["gte"],
            session__starts_at__date__lte=in_range["lte"],
        )
        .select_related("session", "session__topic")
        .order_by("session__starts_at")
    )
    clinics = ClinicEntry.objects.filter(
        placement__membership__person_id=person_id,
        status=ClinicEntry.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    ).select_related("clinic_type", "placement__opportunity")
    assessments = Assessment.objects.filter(
        person_id=person_id, status=Assessment.Status.COMPLETED, date__gte=start, date__lte=end
    ).select_related("type")
    reflections = (
        Reflection.objects.filter(
            person_id=person_id, draft=False, created_at__date__gte=start, created_at__date__lte=end
        )
        .exclude(visibility=Reflection.Visibility.PRIVATE)
        .prefetch_related("domains", "themes")
    )
    from enhance.projects.models import Output, Project

    projects = (
        Project.objects.filter(lead__person_id=person_id)
        .select_related("partner__organisation")
        .prefetch_related("milestones")
    )
    outputs = Output.objects.filter(project__lead__person_id=person_id, date__gte=start, date__lte=end)
    coverage = coverage_for([person_id])[person_id]
    from enhance.curriculum.models import Domain

    membership = Membership.objects.filter(person_id=person_id).select_related("programme").first()
    domains = Domain.objects.filter(framework_id=membership.programme.framework_id) if membership else []
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "sessions": [
            {
                "date": timezone.localtime(a.session.starts_at).date().isoformat(),
                "title": a.session.title,
                "topic": a.session.topic.name,
                "status": a.get_status_display(),
            }
            for a in attendance
        ],
        "clinics": [
            {
                "date": c.date.isoformat(),
                "type": c.clinic_type.name,
                "site": c.site,
                "supervisor": c.supervisor,
                "placement": c.placement.opportunity.title,
            }
            for c in clinics
        ],
        "assessments": [
            {
                "date": a.date.isoformat(),
                "type": a.type.code,
                "setting": a.get_setting_display(),
                "judgement": a.get_judgement_display(),
                "assessor": f"{a.assessor_name}, {a.assessor_role}",
                "feedback": a.feedback,
            }
            for a in assessments
        ],
        "reflections": [
            {
                "date": timezone.localtime(r.created_at).date().isoformat(),
                "title": r.title,
                "happened": r.happened,
                "meaning": r.meaning,
                "next": r.next_steps,
                "domains": [d.name for d in r.domains.all()],
                "themes": [t.name for t in r.themes.all()],
            }
            for r in reflections
        ],
        "projects": [
            {
                "title": p.title,
                "partner": str(p.partner),
                "stage": p.get_stage_display(),
                "recommendation": p.recommendation,
                "milestones": [
                    {
                        "name": m.name,
                        "due": m.due_on.isoformat(),
                        "done": m.completed_on.isoformat() if m.completed_on else None,
                    }
                    for m in p.milestones.all()
                ],
            }
            for p in projects
        ],
        "outputs": [
            {
                "date": o.date.isoformat(),
                "kind": o.get_kind_display(),
                "title": o.title,
                "venue": o.venue,
                "status": o.get_status_display(),
                "doi": o.doi,
                "pmid": o.pmid,
            }
            for o in outputs
        ],
        "coverage": [
            {"domain": d.name, "evidence": len(coverage.get(("domain", d.pk), []))} for d in domains
        ],
    }


def _csv(data: dict[str, Any]) -> str:
    rows: list[list[Any]] = [["Kind", "Date", "Title", "Detail"]]
    rows += [["Teaching session", s["date"], s["title"], s["status"]] for s in data["sessions"]]
    rows += [
        ["Clinic", c["date"], c["type"], f"{c['site']}, supervised by {c['supervisor']}"]
        for c in data["clinics"]
    ]
    rows += [
        ["Assessment", a["date"], a["type"], f"{a['judgement']}: {a['assessor']}"]
        for a in data["assessments"]
    ]
    rows += [["Reflection", r["date"], r["title"], "; ".join(r["domains"])] for r in data["reflections"]]
    rows += [["Output", o["date"], o["title"], f"{o['kind']}, {o['status']}"] for o in data["outputs"]]
    return csv_text(rows)


def build_zip(person_id: int, start: dt.date, end: dt.date) -> bytes:
    from weasyprint import HTML

    from enhance.programmes.models import Person

    data = collect(person_id, start, end)
    person = Person.objects.get(pk=person_id)
    pdf = HTML(
        string=render_to_string("portfolio/evidence_pack.html", {"person": person, "data": data})
    ).write_pdf()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("evidence.pdf", pdf)
        archive.writestr("evidence.csv", _csv(data))
        archive.writestr("evidence.json", json.dumps(data, indent=2))
    return out.getvalue()


@transaction.atomic
def pack_request(*, actor: User, start: dt.date, end: dt.date) -> EvidencePack:
    person_id = scope_for(actor).person_id
    if person_id is None:
        raise PermissionDenied(ONLY_LEARNERS_MAKE_EVIDENCE_PACKS)
    if end < start:
        raise ValidationError({"ends_on": END_DATE_AFTER_START_DATE})
    if (end - start).days > 5 * 366:
        raise ValidationError({"ends_on": CHOOSE_MOST_FIVE_YEARS})
    # One build at a time per learner: the person's row is locked while checking, so thirty
    # clicks queue one pack, and each later click is shown the pack already on its way.
    Person.objects.select_for_update().filter(pk=person_id).first()
    pending = EvidencePack.objects.filter(
        person_id=person_id, status__in=[EvidencePack.Status.QUEUED, EvidencePack.Status.BUILDING]
    ).first()
    if pending is not None:
        return pending
    pack = EvidencePack.objects.create(person_id=person_id, starts_on=start, ends_on=end)
    transaction.on_commit(lambda: build_pack.enqueue(pack_id=pack.pk))
    return pack


@task()
def build_pack(pack_id: int) -> str:
    claimed = EvidencePack.objects.filter(pk=pack_id, status=EvidencePack.Status.QUEUED).update(
        status=EvidencePack.Status.BUILDING
    )
    if not claimed:
        return "skipped"
    pack = EvidencePack.objects.select_related("person__user").get(pk=pack_id)
    try:
        content = build_zip(pack.person_id, pack.starts_on, pack.ends_on)
    except Exception as exc:  # noqa: BLE001 (recorded for the learner to see)
        pack.status = EvidencePack.Status.FAILED
        pack.error = str(exc)[:500]
        pack.save(update_fields=["status", "error"])
        return "failed"
    pack.file.save(f"evidence-{pack.starts_on}-{pack.ends_on}.zip", ContentFile(content), save=False)
    pack.status = EvidencePack.Status.READY
    pack.save(update_fields=["file", "status"])
    if pack.person.user is not None:
        notify(
            recipient=pack.person.user,
            kind=PACK_READY.code,
            title="Your evidence pack is ready",
            url=pack.get_absolute_url(),
        )
    return "ready"
