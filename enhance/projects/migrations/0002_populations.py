from django.db import migrations

POPULATIONS = [
    "People experiencing homelessness",
    "Refugees and people seeking asylum",
    "Gypsy, Roma and Traveller communities",
    "People who use drugs or alcohol",
    "People in contact with the justice system",
    "People who do sex work",
    "Carers",
    "People with learning disabilities",
]


def forwards(apps, schema_editor):
    Population = apps.get_model("projects", "Population")
    for name in POPULATIONS:
        Population.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
