from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "enhance.placements"
    label = "placements"
    verbose_name = "Community placements"

    def ready(self) -> None:
        from enhance.placements import calendar, evidence, tasks  # noqa: F401  (registers events, evidence, tasks)
