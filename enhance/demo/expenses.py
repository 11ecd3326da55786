"""An approved travel claim waiting for the employing Trust's finance officer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from enhance.accounts.models import User
from enhance.demo.accounts import DEMO_DOMAIN
from enhance.expenses.models import Claim, Journey
from enhance.expenses.rates import RateTable, price
from enhance.programmes.models import Membership


def load_expenses(today: dt.date) -> None:
    """Last month's approved claim of the demo learner, waiting for the Trust to export it."""

    membership = Membership.objects.get(person__email=f"learner@{DEMO_DOMAIN}")
    lead = User.objects.get(email=f"programme.lead@{DEMO_DOMAIN}")
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    trips = [
        (
            month.replace(day=6),
            "Royal Derby Teaching Hospital",
            "Ilkeston Community Hospital",
            Decimal("9.5"),
        ),
        (month.replace(day=13), "Royal Derby Teaching Hospital", "Derby teaching centre", Decimal("3.0")),
    ]
    priced = price([(day, "car", miles, 0) for day, _, _, miles in trips], RateTable(), {})
    claim = Claim.objects.create(
        membership=membership,
        month=month,
        status=Claim.Status.APPROVED,
        approved_by=lead,
        total_pence=sum(p.pence for p in priced),
    )
    for (day, origin, destination, miles), p in zip(trips, priced, strict=True):
        Journey.objects.create(
            claim=claim,
            date=day,
            origin=origin,
            destination=destination,
            purpose="session",
            mode="car",
            miles=miles,
            mileage_pence=p.pence,
            rate_note=p.note,
        )
