from django.db import migrations

TOPICS = [
    "Public health",
    "VITA (social medicine)",
    "Human factors",
    "Community placement",
    "Immersive experience",
]


def forwards(apps, schema_editor):
    Topic = apps.get_model("teaching", "Topic")
    for name in TOPICS:
        Topic.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("teaching", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
