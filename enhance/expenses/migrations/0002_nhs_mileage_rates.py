"""NHS staff mileage rates (Agenda for Change section 17, also used for doctors in training),
as dated reference data that admins edit: a new row with a later date changes the rate."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

RATES = [
    # vehicle, from, pence per mile, threshold miles, pence after threshold
    ("car", dt.date(2014, 7, 1), "56", 3500, "20"),
    ("car", dt.date(2026, 1, 1), "56", 3500, "21"),
    ("motorcycle", dt.date(2014, 7, 1), "28", None, None),
    ("bicycle", dt.date(2014, 7, 1), "20", None, None),
    ("passenger", dt.date(2014, 7, 1), "5", None, None),
    ("reserve", dt.date(2014, 7, 1), "28", None, None),
]


def forwards(apps, schema_editor):
    MileageRate = apps.get_model("expenses", "MileageRate")
    for vehicle, start, pence, threshold, after in RATES:
        MileageRate.objects.get_or_create(
            vehicle=vehicle,
            effective_from=start,
            defaults={
                "pence_per_mile": Decimal(pence),
                "threshold_miles": threshold,
                "pence_after_threshold": Decimal(after) if after else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("expenses", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
