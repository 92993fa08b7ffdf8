"""``ANALYSE_LOGS_AT = "HH:MM"``: run ``analyse_logs`` for yesterday once a day, in-process.

Every process that starts Django starts one APScheduler ``BackgroundScheduler`` (optional
extra ``django-smartlayer[scheduler]``); at the set local time each of them fires, and a
Redis lock (``SET <prefix>:lock:analyse:<date> NX EX 3600``) lets exactly one process in the
whole deployment build the report. Without APScheduler, one warning is logged and the system
check ``smartlayer.W501`` says so; cron works without any of this (docs/monitoring.md).
"""

from __future__ import annotations

import logging
import sys
import threading
from datetime import date
from typing import Any

from django.core import checks

from smartlayer import monitor
from smartlayer.conf import get_config

logger = logging.getLogger("smartlayer")

LOCK_SECONDS = 3600

_lock = threading.Lock()
_started: Any = None  # the running scheduler, or False after a failed or skipped start
_warned = False

# manage.py commands that must never start background threads
_NO_SCHEDULER_COMMANDS = {
    "migrate", "makemigrations", "test", "shell", "dbshell", "check", "collectstatic",
    "createsuperuser", "analyse_logs", "smartlayer", "showmigrations", "sqlmigrate",
    "squashmigrations", "flush", "loaddata", "dumpdata", "changepassword", "compilemessages",
    "makemessages", "inspectdb", "diffsettings", "sendtestemail", "startapp", "startproject",
}  # fmt: skip


def available() -> bool:
    try:
        import apscheduler  # noqa: F401
    except ImportError:
        return False
    return True


def _analyse(day: date) -> None:
    from django.core.management import call_command

    call_command("analyse_logs", date=day.isoformat())


def run_once() -> bool:
    """Build yesterday's report if no other process has taken today's lock; True if this one
    ran it."""
    from smartlayer.keys import Keys
    from smartlayer.store import get_store

    cfg = get_config()
    day = monitor.yesterday()
    store = get_store()
    try:
        if not store.client.set(
            Keys(cfg.key_prefix).analyse_lock(day.isoformat()), "1", nx=True, ex=LOCK_SECONDS
        ):
            return False
    except Exception as exc:  # noqa: BLE001 - Redis down: the next day will try again
        logger.error("smartlayer: scheduled analyse_logs skipped, Redis unavailable: %s", exc)
        return False
    try:
        _analyse(day)
    except Exception:
        logger.exception("smartlayer: scheduled analyse_logs for %s failed", day)
    return True


def should_start(argv: list[str] | None = None) -> bool:
    """Not under management commands (runserver only in its serving child)."""
    import os

    argv = sys.argv if argv is None else argv
    if not argv or not argv[0].endswith(("manage.py", "django-admin", "django-admin.py", "__main__.py")):
        return "pytest" not in sys.modules
    command = argv[1] if len(argv) > 1 else ""
    if command == "runserver":
        return os.environ.get("RUN_MAIN") == "true" or "--noreload" in argv
    return command not in _NO_SCHEDULER_COMMANDS and command != ""


def start() -> Any:
    """Start this process's scheduler once, when ANALYSE_LOGS_AT is set. Never raises."""
    global _started, _warned
    with _lock:
        if _started is not None:
            return _started or None
        _started = False
        try:
            at = get_config().monitor.analyse_at
            if not at:
                return None
            if not available():
                if not _warned:
                    _warned = True
                    logger.warning(
                        "smartlayer: ANALYSE_LOGS_AT is set but APScheduler is not installed; "
                        "install django-smartlayer[scheduler] or run analyse_logs from cron"
                    )
                return None
            from apscheduler.schedulers.background import BackgroundScheduler
            from apscheduler.triggers.cron import CronTrigger
            from django.utils import timezone

            tz = timezone.get_default_timezone()
            hour, minute = (int(x) for x in at.split(":"))
            sched = BackgroundScheduler(timezone=tz, daemon=True)
            sched.add_job(
                run_once, CronTrigger(hour=hour, minute=minute, timezone=tz), id="smartlayer-analyse-logs",
                misfire_grace_time=3600, coalesce=True, max_instances=1, replace_existing=True,
            )  # fmt: skip
            sched.start()
            _started = sched
            logger.info("smartlayer: analyse_logs scheduled daily at %s (%s)", at, tz)
            return sched
        except Exception:
            logger.exception("smartlayer: could not start the analyse_logs scheduler")
            return None


def stop() -> None:
    """Stop this process's scheduler (tests)."""
    global _started
    with _lock:
        if _started:
            _started.shutdown(wait=False)
        _started = None


@checks.register("smartlayer")
def check_scheduler(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        at = get_config().monitor.analyse_at
    except Exception:  # noqa: BLE001 - configuration errors are reported by check_settings
        return []
    if at and not available():
        return [
            checks.Warning(
                "ANALYSE_LOGS_AT is set but APScheduler is not installed, so no report is scheduled.",
                hint="pip install 'django-smartlayer[scheduler]', or run analyse_logs from cron.",
                id="smartlayer.W501",
            )
        ]
    return []
