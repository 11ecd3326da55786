from django.db import migrations

TYPES = [
    ("OPCAT", "Outpatient care assessment tool", [
        {"name": "clinic", "label": "Clinic"},
        {"name": "patients", "label": "Number of patients"},
        {"name": "format", "label": "Observed, or discussed after the clinic", "choices": ["Observed", "Post-clinic"]},
    ]),
    ("mini-CEX", "Mini clinical evaluation exercise", [{"name": "focus", "label": "Focus of the encounter"}]),
    ("CbD", "Case-based discussion", [{"name": "case", "label": "Case discussed"}]),
    ("ACAT", "Acute care assessment tool", [{"name": "shift", "label": "Shift or take"}]),
    ("DOPS", "Direct observation of procedural skills", [{"name": "procedure", "label": "Procedure"}]),
    ("QIPAT", "Quality improvement project assessment tool", [{"name": "project", "label": "Project"}]),
    ("TO", "Teaching observation", [{"name": "audience", "label": "Audience"}]),
]


def forwards(apps, schema_editor):
    AssessmentType = apps.get_model("portfolio", "AssessmentType")
    for code, name, extra in TYPES:
        AssessmentType.objects.get_or_create(code=code, defaults={"name": name, "extra_fields": extra})


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_assessments")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
