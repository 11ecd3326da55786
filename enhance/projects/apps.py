from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "enhance.projects"
    label = "projects"
    verbose_name = "Immersive experience and projects"

    def ready(self) -> None:
        from enhance.projects import (  # noqa: F401  (registers events, evidence, jobs)
            calendar,
            evidence,
            notifications,  # noqa: F401  (registers the notification kinds)
            tasks,
        )
