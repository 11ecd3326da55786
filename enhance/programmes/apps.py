from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "enhance.programmes"
    label = "programmes"
    verbose_name = "Programmes and people"

    def ready(self) -> None:
        from enhance.programmes import tasks  # noqa: F401  (registers the daily jobs)
