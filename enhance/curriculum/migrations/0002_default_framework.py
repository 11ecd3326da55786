"""The enhance framework: six domains and four cross-cutting themes (theme names are a
default that admins can rename), with the published outcomes for social justice."""

from django.db import migrations

FRAMEWORK = "enhance generalist skills framework"
DOMAINS = [
    "Person-centred practice",
    "Complex multimorbidity",
    "Population health",
    "Social justice and health equity",
    "Environmental sustainability",
    "Systems working",
]
THEMES = [
    "Leadership",
    "Quality improvement",
    "Human factors and team working",
    "Data, digital and research",
]
SOCIAL_JUSTICE_OUTCOMES = [
    "Appraise how the social determinants of health drive health inequalities.",
    "Value diversity and recognise how discrimination affects access to care.",
    "Work with communities and partner organisations to understand their needs.",
    "Design care pathways that reduce health inequalities.",
    "Advocate for people and groups who face barriers to care.",
]


def forwards(apps, schema_editor):
    Framework = apps.get_model("curriculum", "Framework")
    Domain = apps.get_model("curriculum", "Domain")
    Theme = apps.get_model("curriculum", "Theme")
    Outcome = apps.get_model("curriculum", "Outcome")
    framework, _ = Framework.objects.get_or_create(
        name=FRAMEWORK,
        defaults={"description": "Six healthcare domains supported by four cross-cutting themes."},
    )
    for number, name in enumerate(DOMAINS, start=1):
        domain, _ = Domain.objects.get_or_create(framework=framework, number=number, defaults={"name": name})
        if name == "Social justice and health equity" and not domain.outcomes.exists():
            for order, text in enumerate(SOCIAL_JUSTICE_OUTCOMES, start=1):
                Outcome.objects.create(domain=domain, text=text, order=order)
    for number, name in enumerate(THEMES, start=1):
        Theme.objects.get_or_create(framework=framework, number=number, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("curriculum", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
