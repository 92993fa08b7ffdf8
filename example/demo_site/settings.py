"""A small API site protected by smartlayer (the README's demo)."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "demo-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "demo_site.urls"
AUTH_USER_MODEL = "demo_site.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "smartlayer",
    "demo_site",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "smartlayer.middleware.SmartLayerMiddleware",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DB", str(Path(tempfile.gettempdir()) / "smartlayer-demo.sqlite3")),
    }
}

SMART_MIDDLEWARE = {
    # A fresh key prefix per run, so a shared Redis starts clean every time.
    "KEY_PREFIX": os.environ.get("DEMO_KEY_PREFIX", f"demo-{uuid.uuid4().hex[:8]}"),
    "PLAN_FIELD": "plan",
    "DEFAULT_PLAN": "free",
    "RATE_LIMIT_PLANS": {
        "anonymous": {"/api/": {"per_minute": 30, "per_hour": 300}},
        "free": {
            "/api/": {"per_minute": 30, "per_hour": 500},
            "/api/export/": {"per_minute": 10, "lifetime": 5},
        },
        "pro": {"/api/": {"per_minute": 300}, "/api/export/": {"per_minute": 60}},
    },
    "WHITELIST_PATHS": ["/health/"],
}
if os.environ.get("REDIS_URL"):
    SMART_MIDDLEWARE["REDIS_URL"] = os.environ["REDIS_URL"]
else:
    # The demo runs in one process, so the embedded store is fine (see check W001).
    SILENCED_SYSTEM_CHECKS = ["smartlayer.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {
        "smartlayer": {"handlers": ["null"], "propagate": False},
        "django.request": {"handlers": ["null"], "propagate": False},
    },
}
