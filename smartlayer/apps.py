"""Django app config: registers the system checks and starts the report scheduler."""

from __future__ import annotations

import logging

from django.apps import AppConfig


class SmartLayerConfig(AppConfig):
    name = "smartlayer"
    verbose_name = "smartlayer"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from smartlayer import (
            checks,  # noqa: F401 - registers the checks
            scheduler,  # registers smartlayer.W501
        )

        try:
            if scheduler.get_config().monitor.analyse_at and scheduler.should_start():
                scheduler.start()
        except Exception:  # bad settings are reported by the system checks, not here
            logging.getLogger("smartlayer").debug("smartlayer: scheduler not started", exc_info=True)
