from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "enhance.curriculum"
    label = "curriculum"
    verbose_name = "Curriculum"
