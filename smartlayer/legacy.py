"""Importing the state django-smart-layer 0.1.x kept in SQL: active ``BannedUser`` rows become
Redis bans, ``UserRequestCount`` rows become lifetime counters (``manage.py smartlayer
import-legacy``). Migration 0002 keeps those two tables while they hold rows; ``--drop``
removes them after a successful import. 0.1.x ``DailyReport`` rows need no import: 0002 keeps
them in place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from datetime import timezone as dt_timezone
from typing import Any

from django.db import connection
from django.utils import timezone

from smartlayer import bans, keys, ratelimit
from smartlayer.clientip import group, parse_address
from smartlayer.conf import Config
from smartlayer.keys import Keys
from smartlayer.store import get_store

BANS_TABLE = "smartlayer_banneduser"
COUNTS_TABLE = "smartlayer_userrequestcount"


@dataclass
class ImportReport:
    bans: int = 0
    bans_expired: int = 0
    bans_skipped: list[str] = field(default_factory=list)
    counters: int = 0
    counts_skipped: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)


def legacy_tables() -> list[str]:
    existing = set(connection.introspection.table_names())
    return [t for t in (BANS_TABLE, COUNTS_TABLE) if t in existing]


def _rows(table: str, columns: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")
        return list(cursor.fetchall())


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite without converters
        value = datetime.fromisoformat(value)
    return timezone.make_aware(value, dt_timezone.utc) if timezone.is_naive(value) else value


def import_legacy(cfg: Config, *, permanent_days: int, dry_run: bool = False) -> ImportReport:
    """Copy active bans and lifetime counts into Redis. Idempotent: a ban is set again with its
    remaining time; a lifetime counter becomes the larger of its Redis and imported values."""
    report = ImportReport(tables=legacy_tables())
    now = timezone.now()
    if BANS_TABLE in report.tables:
        for user_id, ip, reason, expires in _rows(BANS_TABLE, "user_id, ip_address, reason, expires_at"):
            expires_at = _aware(expires)
            if expires_at is not None and expires_at <= now:
                report.bans_expired += 1
                continue
            seconds = (
                permanent_days * 86_400 if expires_at is None else int((expires_at - now).total_seconds()) + 1
            )
            if user_id is not None:
                identity = keys.user_identity(user_id)
            else:
                addr = parse_address(str(ip or ""))
                if addr is None:
                    report.bans_skipped.append(f"ban of {ip!r}: not an IP address")
                    continue
                identity = keys.ip_identity(group(addr, cfg.ipv6_prefix))
            if not dry_run:
                bans.add(identity, seconds, f"0.1.x: {reason or 'ban'}"[:200])
            report.bans += 1
    if COUNTS_TABLE in report.tables:
        totals: dict[str, int] = defaultdict(int)
        for user_id, path, plan, count in _rows(COUNTS_TABLE, "user_id, path, plan_field, lifetime_count"):
            rule = ratelimit.match(cfg, str(plan), str(path))
            if rule is None or not rule.lifetime:
                report.counts_skipped.append(
                    f"user {user_id} {path} (plan {plan!r}): no lifetime quota configured"
                )
                continue
            # 0.1.x counted per exact path; here every path under a prefix shares one counter.
            totals[Keys(cfg.key_prefix).lifetime(keys.user_identity(user_id), rule.prefix)] += int(count or 0)
        client = get_store().client
        for key, total in totals.items():
            if not dry_run:
                current = int(client.get(key) or 0)
                if total > current:
                    client.set(key, total)
            report.counters += 1
    return report


def drop_tables(tables: list[str]) -> None:
    with connection.schema_editor() as editor:
        for table in tables:
            editor.execute(f"DROP TABLE {editor.quote_name(table)}")
