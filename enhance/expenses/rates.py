"""Pricing journeys at the dated NHS mileage rates, exactly, in pence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from enhance.core.text import counted
from enhance.expenses.models import MileageRate, Mode, Vehicle

NO_RATE = "There is no {vehicle} mileage rate for {day:%d %B %Y}."
MILEAGE_VEHICLE = {Mode.CAR: Vehicle.CAR, Mode.MOTORCYCLE: Vehicle.MOTORCYCLE, Mode.BICYCLE: Vehicle.BICYCLE}


class NoRate(ValueError):
    pass


def mileage_year_start(day: dt.date) -> dt.date:
    month, dom = settings.MILEAGE_YEAR_START_MONTH_DAY
    start = dt.date(day.year, month, dom)
    return start if start <= day else dt.date(day.year - 1, month, dom)


class RateTable:
    """All rates, read once; the rate in force for a vehicle on a date."""

    def __init__(self, rates: Iterable[MileageRate] | None = None) -> None:
        self.by_vehicle: dict[str, list[MileageRate]] = {}
        for rate in rates if rates is not None else MileageRate.objects.all():
            self.by_vehicle.setdefault(rate.vehicle, []).append(rate)
        for rates_ in self.by_vehicle.values():
            rates_.sort(key=lambda r: r.effective_from, reverse=True)

    def on(self, vehicle: str, day: dt.date) -> MileageRate:
        for rate in self.by_vehicle.get(vehicle, []):
            if rate.effective_from <= day:
                return rate
        raise NoRate(NO_RATE.format(vehicle=Vehicle(vehicle).label.lower(), day=day))


@dataclass(frozen=True)
class Priced:
    pence: int
    note: str


def _pence(amount: Decimal) -> int:
    return int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def price(
    journeys: Sequence[tuple[dt.date, str, Decimal, int]],
    table: RateTable,
    prior_car_miles: dict[dt.date, Decimal],
) -> list[Priced]:
    """Price journeys (date, mode, miles, passengers), in the order given. Car miles count
    towards the annual threshold: prior_car_miles holds the miles already approved in each
    mileage year (keyed by the year's start) and is updated as journeys are priced."""
    out = []
    for day, mode, miles, passengers in journeys:
        vehicle = MILEAGE_VEHICLE.get(mode)  # type: ignore[call-overload]
        if vehicle is None or miles == 0:
            out.append(Priced(0, "No mileage" if mode == Mode.PUBLIC else "No miles"))
            continue
        rate = table.on(vehicle, day)
        amount = Decimal(0)
        notes = []
        if rate.threshold_miles is not None and rate.pence_after_threshold is not None:
            year = mileage_year_start(day)
            before = prior_car_miles.get(year, Decimal(0))
            below = max(Decimal(0), min(miles, Decimal(rate.threshold_miles) - before))
            above = miles - below
            prior_car_miles[year] = before + miles
            if below:
                amount += below * rate.pence_per_mile
                notes.append(f"{below} mi at {rate.pence_per_mile}p")
            if above:
                amount += above * rate.pence_after_threshold
                notes.append(
                    f"{above} mi at {rate.pence_after_threshold}p (over {rate.threshold_miles:,} a year)"
                )
        else:
            amount += miles * rate.pence_per_mile
            notes.append(f"{miles} mi at {rate.pence_per_mile}p")
        if passengers:
            extra = table.on(Vehicle.PASSENGER, day)
            amount += miles * passengers * extra.pence_per_mile
            notes.append(f"{counted(passengers, 'passenger')} at {extra.pence_per_mile}p")
        out.append(Priced(_pence(amount), "; ".join(notes)))
    return out
