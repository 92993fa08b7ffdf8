"""Django app config: registers the system checks."""

from __future__ import annotations

from django.apps import AppConfig


class SmartLayerConfig(AppConfig):
    name = "smartlayer"
    verbose_name = "smartlayer"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from smartlayer import checks  # noqa: F401 - registers the checks
