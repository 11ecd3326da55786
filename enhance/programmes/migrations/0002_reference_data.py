"""Reference data every installation starts with; all of it is editable in the admin."""

from django.db import migrations

REGIONS = [
    ("east-of-england", "East of England"),
    ("london", "London"),
    ("midlands", "Midlands"),
    ("north-east-and-yorkshire", "North East and Yorkshire"),
    ("north-west", "North West"),
    ("south-east", "South East"),
    ("south-west", "South West"),
]
PROFESSIONS = [
    "Doctor in training",
    "Locally employed doctor",
    "SAS doctor",
    "Nurse",
    "Midwife",
    "Pharmacist",
    "Paramedic",
    "Physiotherapist",
    "Occupational therapist",
    "Other allied health professional",
    "Social worker",
    "Social care practitioner",
]
# code, name, whole-number pattern, example
BODIES = [
    ("GMC", "General Medical Council", r"\d{7}", "1234567"),
    ("NMC", "Nursing and Midwifery Council", r"\d{2}[A-Z]\d{4}[A-Z]", "12A3456E"),
    ("HCPC", "Health and Care Professions Council", r"[A-Z]{2}\d{5,6}", "PH123456"),
    ("GPhC", "General Pharmaceutical Council", r"\d{7}", "2012345"),
    ("SWE", "Social Work England", r"SW\d{1,6}", "SW123456"),
]
GRADES = [
    ("F1", "Foundation year 1", 10),
    ("F2", "Foundation year 2", 20),
    ("IMY1", "Internal Medicine Training year 1", 30),
    ("IMY2", "Internal Medicine Training year 2", 31),
    ("IMY3", "Internal Medicine Training year 3", 32),
    ("CT1", "Core training year 1", 40),
    ("CT2", "Core training year 2", 41),
    ("ST3", "Specialty training year 3", 50),
    ("LED", "Locally employed doctor", 60),
    ("SAS", "Specialty and specialist doctor", 61),
    ("B5", "Agenda for Change band 5", 70),
    ("B6", "Agenda for Change band 6", 71),
    ("B7", "Agenda for Change band 7", 72),
]


def forwards(apps, schema_editor):
    Region = apps.get_model("programmes", "Region")
    Profession = apps.get_model("programmes", "Profession")
    RegistrationBody = apps.get_model("programmes", "RegistrationBody")
    Grade = apps.get_model("programmes", "Grade")
    for code, name in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name})
    for name in PROFESSIONS:
        Profession.objects.get_or_create(name=name)
    for code, name, pattern, example in BODIES:
        RegistrationBody.objects.get_or_create(
            code=code, defaults={"name": name, "number_pattern": pattern, "number_example": example}
        )
    for code, name, order in GRADES:
        Grade.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
