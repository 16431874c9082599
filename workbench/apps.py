from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "workbench"
    verbose_name = "Housing-office workbench"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import history  # noqa: F401  (connects the login signal)
