"""Upgrading from django-smart-layer 0.1.x: its migration history continues, its reports are
kept, and its bans and lifetime counts are imported into Redis."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from smartlayer import bans, legacy
from smartlayer.conf import get_config
from smartlayer.keys import Keys
from smartlayer.models import DailyReport
from smartlayer.store import get_store

PLANS = {"free": {"/api/": {"per_minute": 100, "lifetime": 1000}}, "default": {"/": {"per_minute": 100}}}


def migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("smartlayer", target)])


BAN = (
    "INSERT INTO smartlayer_banneduser (user_id, ip_address, reason, banned_at, expires_at) "
    "VALUES (%s, %s, %s, %s, %s)"
)
COUNT = (
    "INSERT INTO smartlayer_userrequestcount (user_id, path, plan_field, lifetime_count) "
    "VALUES (%s, %s, %s, %s)"
)
USER = (
    "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
    "is_active, date_joined) VALUES (%s, '', false, %s, '', '', '', false, true, %s)"
)


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db(transaction=True)
def test_upgrade_keeps_reports_and_imports_bans_and_lifetime_counts(smart, frozen_clock):
    smart(RATE_LIMIT_PLANS=PLANS)
    migrate("0001_initial")  # a 0.1.x database
    now = timezone.now()
    sql("INSERT INTO smartlayer_dailyreport (date, report, created_at) VALUES (%s, %s, %s)",
        ["2026-06-01", "All quiet.", now])  # fmt: skip
    sql(BAN, [7, None, "AI: scraping", now, now + timedelta(hours=2)])
    sql(BAN, [None, "203.0.113.9", "AI: stuffing", now, None])  # permanent
    sql(BAN, [8, None, "old", now - timedelta(days=3), now - timedelta(days=1)])  # expired
    sql(USER, [7, "u7", now])
    sql(COUNT, [7, "/api/users/1", "free", 300])
    sql(COUNT, [7, "/api/users/2", "free", 200])  # same prefix /api/: one counter of 500
    sql(COUNT, [7, "/other", "default", 5])  # no lifetime quota there: reported, skipped

    migrate("0002_redis_state")
    report = DailyReport.objects.get(date="2026-06-01")
    assert report.text == "All quiet." and report.summary_source == "0.1.x"
    assert legacy.legacy_tables() == [legacy.BANS_TABLE, legacy.COUNTS_TABLE]  # kept: they hold rows

    out = io.StringIO()
    call_command("smartlayer", "import-legacy", "--drop", stdout=out)
    assert "imported 2 active bans (1 expired skipped) and 1 lifetime counters" in out.getvalue()
    assert "no lifetime quota configured" in out.getvalue()
    active = {b.identity: b for b in bans.active()}
    assert set(active) == {"u:7", "ip:203.0.113.9"}
    assert 7000 <= active["u:7"].seconds_left <= 7201
    assert active["ip:203.0.113.9"].seconds_left > 3000 * 86_400
    key = Keys(get_config().key_prefix).lifetime("u:7", "/api/")
    assert int(get_store().client.get(key)) == 500
    assert legacy.legacy_tables() == []

    call_command("smartlayer", "import-legacy", stdout=(out := io.StringIO()))
    assert "no 0.1.x tables" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_fresh_install_drops_the_empty_legacy_tables_and_imports_nothing(smart):
    assert legacy.legacy_tables() == []
    out = io.StringIO()
    call_command("smartlayer", "import-legacy", "--dry-run", stdout=out)
    assert "no 0.1.x tables" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_import_is_idempotent_and_never_lowers_a_counter(smart, frozen_clock):
    smart(RATE_LIMIT_PLANS=PLANS)
    migrate("0001_initial")
    now = timezone.now()
    sql(USER, [9, "u9", now])
    sql(COUNT, [9, "/api/x", "free", 40])
    migrate("0002_redis_state")
    key = Keys(get_config().key_prefix).lifetime("u:9", "/api/")
    get_store().client.set(key, 55)  # already counting in Redis since the upgrade
    call_command("smartlayer", "import-legacy", stdout=io.StringIO())
    call_command("smartlayer", "import-legacy", "--drop", stdout=io.StringIO())
    assert int(get_store().client.get(key)) == 55
