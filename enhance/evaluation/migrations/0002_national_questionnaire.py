"""The national confidence questionnaire: one item per domain and per theme of the default
framework, a career intention and a free-text question. National admins may edit it."""

from django.db import migrations

CAREER = [
    "I intend to pursue a generalist career (for example general internal medicine, general practice or community care).",
    "I intend to work in an area of high health need or with underserved communities.",
]
FREE_TEXT = "Is there anything else you would like to tell us about your confidence or your plans?"


def forwards(apps, schema_editor):
    Framework = apps.get_model("curriculum", "Framework")
    SurveyItem = apps.get_model("evaluation", "SurveyItem")
    if SurveyItem.objects.filter(programme__isnull=True).exists():
        return
    framework = Framework.objects.order_by("id").first()
    order = 0
    if framework is not None:
        for domain in framework.domains.order_by("number"):
            order += 1
            SurveyItem.objects.create(
                text=f"How confident do you feel in {domain.name[0].lower()}{domain.name[1:]}?",
                domain=domain,
                order=order,
            )
        for theme in framework.themes.order_by("number"):
            order += 1
            SurveyItem.objects.create(
                text=f"How confident do you feel in {theme.name[0].lower()}{theme.name[1:]}?",
                theme=theme,
                order=order,
            )
    for text in CAREER:
        order += 1
        SurveyItem.objects.create(
            text=text, order=order, low_label="Strongly disagree", high_label="Strongly agree"
        )
    SurveyItem.objects.create(text=FREE_TEXT, answer="text", order=order + 1)


def remove(apps, schema_editor):
    apps.get_model("evaluation", "SurveyItem").objects.filter(programme__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_surveys"),
        ("curriculum", "0002_default_framework"),
    ]

    operations = [migrations.RunPython(forwards, remove)]
