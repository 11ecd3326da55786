from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from enhance.core.scheduling import enqueue_due_daily_jobs


class Command(BaseCommand):
    help = "Queue the daily jobs (reminders, clean-ups) when they fall due. Runs until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between checks.")

    def handle(self, *args: Any, once: bool, interval: int, **options: Any) -> None:
        while True:
            for name in enqueue_due_daily_jobs():
                self.stdout.write(f"Queued daily job {name}")
            if once:
                return
            time.sleep(interval)
