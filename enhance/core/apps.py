from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enhance.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from enhance.core import tasks  # noqa: F401  (registers the daily jobs)
