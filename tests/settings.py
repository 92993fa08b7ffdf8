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
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "rest_framework.authtoken",
    "smartlayer",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "smartlayer.middleware.SmartLayerMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
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
