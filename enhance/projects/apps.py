from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "enhance.projects"
    label = "projects"
    verbose_name = "Immersive experience and projects"
