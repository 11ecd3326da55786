from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "enhance.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation: confidence surveys and dashboards"

    def ready(self) -> None:
        from enhance.evaluation import notifications, tasks  # noqa: F401  (registers notification kinds, daily jobs)
