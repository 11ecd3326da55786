from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "enhance.home"
    label = "home"
    verbose_name = "Home pages and the learner overview"
