from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "enhance.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"

    def ready(self) -> None:
        from enhance.portfolio import (
            notifications,  # noqa: F401  (registers the notification kinds)
            readiness,
            requirements,  # noqa: F401  (registers evidence kinds)
            tasks,  # noqa: F401  (registers the daily jobs)
        )

        readiness.connect()
