from django.db import migrations

RULES = [
    ("read-notifications", "Notifications, after they were read", 180),
    ("import-files", "Trainee import files, after they were uploaded", 30),
    ("paid-claims", "Travel claims and their receipts, after they were paid (seven years)", 2557),
    ("assessment-links", "One-time assessor links, after they expired", 90),
    ("data-exports", "Copies of people's data, after they were made", 30),
]


def forwards(apps, schema_editor):
    rule = apps.get_model("privacy", "RetentionRule")
    for code, description, days in RULES:
        rule.objects.get_or_create(code=code, defaults={"description": description, "days": days})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_erasure_and_retention")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
