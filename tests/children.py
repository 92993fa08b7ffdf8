"""Targets for spawned test processes: importable before Django is set up (no conftest)."""

from __future__ import annotations


def ask_from_process(url: str, redis_url: str, prefix: str) -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.SMART_MIDDLEWARE = {
        "REDIS_URL": redis_url, "REDIS_TIMEOUT": 0.5, "KEY_PREFIX": prefix,
        "AI_BASE_URL": url, "AI_MODEL": "m",
    }  # fmt: skip
    from smartlayer import ai as ai_module
    from smartlayer.anomaly import Facts
    from smartlayer.conf import get_config as config
    from smartlayer.identity import Identity

    config.cache_clear()  # settings assigned after setup() send no setting_changed

    facts = Facts("", 0, 30, 40, 0, 3, 1, 0, 0, False, 50)
    ident = Identity("ip:192.0.2.99", None, "192.0.2.99", "anonymous")
    ai_module.submit_anomaly(config(), ident, facts, "curl/8")
    ai_module.wait_idle()
