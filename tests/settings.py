"""Minimal Django settings for the test suite (SQLite, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "smartlayer",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "smartlayer.middleware.SmartLayerMiddleware",
]
_pg = os.environ.get("SMARTLAYER_TEST_POSTGRES")
DATABASES = {
    "default": (
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "test",
            "HOST": "127.0.0.1",
            "PORT": 5432,
            "USER": os.environ.get("PGUSER", "postgres"),
        }
        if _pg
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SMART_MIDDLEWARE: dict[str, object] = {}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {"smartlayer": {"handlers": ["null"], "propagate": True}},
}
