"""manage.py seed_scale [--scale 0.1] [--seed 2026]: a national-scale data set on top of the
demo, for the benchmarks (see enhance/demo/scale.py). Never on live data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from enhance.demo.scale import seed_scale
from enhance.programmes.models import Programme

NOT_DEBUG = "DEBUG is off: refusing to generate benchmark data in what may be a live database."
NO_DEMO = "Load the demo first (manage.py load_demo): the scale data goes on top of it."
BAD_SCALE = "The scale is a factor between 0.0001 and 1."


class Command(BaseCommand):
    help = "Generate a national-scale data set on top of the demo (for make bench)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 is national scale; 0.1 a tenth.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, scale: float, seed: int, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(NOT_DEBUG)
        if not 0.0001 <= scale <= 1:
            raise CommandError(BAD_SCALE)
        if not Programme.objects.exists():
            raise CommandError(NO_DEMO)
        counts = seed_scale(scale=scale, seed=seed, say=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(", ".join(f"{k}: {v:,}" for k, v in counts.items())))
