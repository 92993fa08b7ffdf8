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
        from smartlayer.conf import get_config

        try:
            if scheduler.get_config().monitor.analyse_at and scheduler.should_start():
                scheduler.start()
        except Exception:  # bad settings are reported by the system checks, not here
            logging.getLogger("smartlayer").debug("smartlayer: scheduler not started", exc_info=True)
        try:
            if "validator" in get_config().features:
                from smartlayer import validator

                validator.warm_up()  # a worker's first request does not build the rule index
        except Exception:  # as above: never an error at start-up from here
            logging.getLogger("smartlayer").debug("smartlayer: validator not warmed up", exc_info=True)
