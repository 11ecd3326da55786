from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from enhance.demo.accounts import DEMO_DOMAIN, DEMO_PASSWORD
from enhance.demo.loader import load_demo
from enhance.programmes.models import Person, Programme

NOT_EMPTY = "The database already has data. Demo data goes only into an empty database."
NOT_DEBUG = "DEBUG is off: refusing to load demo accounts. Use --allow-production to insist."


class Command(BaseCommand):
    help = "Load the fictional demo data: seven trailblazers, about 150 learners, one account per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has programmes."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even when DEBUG is off (never on live data).",
        )

    def handle(self, *args: Any, if_empty: bool, allow_production: bool, **options: Any) -> None:
        if Programme.objects.exists() or Person.objects.exists():
            if if_empty:
                self.stdout.write("The database already has data: demo data not loaded.")
                return
            raise CommandError(NOT_EMPTY)
        if not settings.DEBUG and not allow_production:
            raise CommandError(NOT_DEBUG)
        counts = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['programmes']} programmes, {counts['learners']} learners and "
                f"{counts['accounts']} accounts. Sign in as programme.lead@{DEMO_DOMAIN} "
                f"(password {DEMO_PASSWORD}); see README.md for every demo account."
            )
        )
