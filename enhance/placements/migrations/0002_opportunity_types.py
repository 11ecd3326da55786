from django.db import migrations

TYPES = [
    "Diabetic clinic",
    "Heart failure service",
    "Frailty service",
    "Home visiting team",
    "Respiratory service",
    "Community palliative care",
    "Community mental health",
    "Learning disability service",
    "Virtual ward",
    "Homeless health service",
]


def forwards(apps, schema_editor):
    OpportunityType = apps.get_model("placements", "OpportunityType")
    for name in TYPES:
        OpportunityType.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
