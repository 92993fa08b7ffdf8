"""``manage.py analyse_logs [--date YYYY-MM-DD] [--no-ai] [--format text|json] [--flush]``:
build, print and save one local day's traffic report (default: yesterday)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartlayer import monitor, reports
from smartlayer.conf import get_config
from smartlayer.exceptions import StoreUnavailable
from smartlayer.keys import Keys
from smartlayer.store import get_store


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {text!r}") from exc


class Command(BaseCommand):
    help = "Build the daily traffic report from smartlayer's aggregates and save it as a DailyReport."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="local day YYYY-MM-DD (default: yesterday in TIME_ZONE)")
        parser.add_argument("--no-ai", action="store_true", help="skip the AI summary")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--flush", action="store_true", help="only move buffered sampled requests into RequestLog"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cfg = get_config()
        keys = Keys(cfg.key_prefix)
        try:
            monitor.flush(get_store())  # this process's own pending aggregates
            flushed = monitor.flush_samples(get_store(), keys)
            if options["flush"]:
                self.stdout.write(f"analyse_logs: {flushed:,} sampled requests written")
                return
            day = _day(options["date"]) if options["date"] else monitor.yesterday()
            stats = reports.build(cfg, day, use_ai=not options["no_ai"])
        except StoreUnavailable as exc:
            raise CommandError(f"Redis is unavailable: {exc}") from exc
        reports.save(stats)
        reports.apply_retention(cfg)
        if options["format"] == "json":
            self.stdout.write(json.dumps(stats, indent=2))
            # stdout stays pure JSON; the cron status line goes to stderr
            self.stderr.write(reports.status_line(stats), style_func=lambda s: s)
        else:
            self.stdout.write(reports.render_text(stats))
            self.stdout.write(reports.status_line(stats))
