"""manage.py api_token EMAIL --scopes learners:read,teaching:read --days 30: create a personal
access token for an account and print it once (for operators and tests)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from enhance.accounts.models import User
from enhance.api.tokens import SCOPES, token_create

NO_ACCOUNT = "No active account for {email}."


class Command(BaseCommand):
    help = "Create a personal access token for the JSON API and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--scopes", required=True, help=f"Comma-separated, from: {', '.join(SCOPES)}")
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--name", default="Created by an operator")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError(NO_ACCOUNT.format(email=options["email"]))
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        try:
            _, key = token_create(actor=user, name=options["name"], scopes=scopes, days=options["days"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(key)
