from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "enhance.projects"
    label = "projects"
    verbose_name = "Immersive experience and projects"

    def ready(self) -> None:
        from enhance.projects import calendar, evidence, tasks  # noqa: F401  (registers events, evidence, jobs)
