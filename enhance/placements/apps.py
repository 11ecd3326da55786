from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "enhance.placements"
    label = "placements"
    verbose_name = "Community placements"

    def ready(self) -> None:
        from enhance.placements import (  # noqa: F401  (registers events, evidence, tasks)
            calendar,
            evidence,
            notifications,  # noqa: F401  (registers the notification kinds)
            tasks,
        )
