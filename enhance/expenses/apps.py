from django.apps import AppConfig


class ExpensesConfig(AppConfig):
    name = "enhance.expenses"
    label = "expenses"
    verbose_name = "Travel and expenses"

    def ready(self) -> None:
        from enhance.expenses import (  # noqa: F401  (registers the notification kinds, daily jobs)
            notifications,
            tasks,
        )
