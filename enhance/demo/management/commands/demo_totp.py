from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from enhance.demo.accounts import totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo staff accounts (they share one secret)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(totp_code())
