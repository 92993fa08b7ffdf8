"""``manage.py smartlayer status | bans list|add|remove | limits show|reset | import-legacy``:
look at and change state."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartlayer import bans, clock, ratelimit
from smartlayer.conf import get_config
from smartlayer.exceptions import StoreUnavailable
from smartlayer.keys import Keys
from smartlayer.store import get_store, persistence


def identity_of(text: str) -> str:
    try:
        return bans.parse_identity(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "Inspect smartlayer's Redis state: status, bans, and per-identity limits."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="topic", required=True)
        sub.add_parser("status", help="Configuration summary and Redis health.")
        ban = sub.add_parser("bans", help="List, add or lift bans.")
        ban_sub = ban.add_subparsers(dest="action", required=True)
        listing = ban_sub.add_parser("list", help="Current bans, soonest to expire first.")
        listing.add_argument("--search", default="", help="only identities containing this")
        listing.add_argument("--monitor", action="store_true", help="would-be bans of monitor mode")
        adding = ban_sub.add_parser("add", help="Ban an identity.")
        adding.add_argument("identity", help="'u:<user id>', 'ip:<address>' or an address")
        adding.add_argument("--hours", type=float, default=24.0)
        adding.add_argument("--reason", default="manual")
        lifting = ban_sub.add_parser("remove", help="Lift a ban.")
        lifting.add_argument("identity")
        limits = sub.add_parser("limits", help="Show or reset an identity's rate-limit counters.")
        limits.add_argument("action", choices=["show", "reset"])
        limits.add_argument("identity", help="'u:<user id>', 'ip:<address>' or an address")
        legacy = sub.add_parser(
            "import-legacy",
            help="Copy django-smart-layer 0.1.x bans and lifetime counts from SQL into Redis.",
        )
        legacy.add_argument(
            "--dry-run", action="store_true", help="count what would be imported, write nothing"
        )
        legacy.add_argument("--drop", action="store_true", help="drop the 0.1.x tables after importing")
        legacy.add_argument(
            "--permanent-days",
            type=int,
            default=3650,
            help="length of 0.1.x permanent bans (days, default 3650)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["topic"] == "status":
                self.status()
            elif options["topic"] == "bans":
                self.bans(options)
            elif options["topic"] == "import-legacy":
                self.import_legacy(options)
            else:
                self.limits(options["action"], identity_of(options["identity"]))
        except StoreUnavailable as exc:
            raise CommandError(f"Redis is unavailable: {exc}") from exc

    def status(self) -> None:
        cfg = get_config()
        where = cfg.redis_url or (f"cache alias {cfg.cache_alias!r}" if cfg.cache_alias else None)
        self.stdout.write(f"store:     {where or 'embedded fakeredis (per process)'}")
        self.stdout.write(f"mode:      {cfg.mode}, fail {cfg.fail_mode}")
        self.stdout.write(f"features:  {', '.join(sorted(cfg.features))}")
        rules = sum(len(p.rules) for p in cfg.plans.values())
        self.stdout.write(f"plans:     {', '.join(cfg.plans) or '-'} ({rules} rules)")
        client = get_store().client
        try:
            client.ping()
        except Exception as exc:
            raise StoreUnavailable(str(exc)) from exc
        try:
            info, memory = client.info("server"), client.info("memory")
            version, used = info.get("redis_version", "?"), memory.get("used_memory_human", "?")
            self.stdout.write(f"redis:     {version}, used memory {used}")
        except Exception:  # noqa: BLE001 - fakeredis has no INFO
            self.stdout.write("redis:     answers PING")
        persists = persistence() if not cfg.embedded else False
        label = {True: "yes", False: "NO", None: "unknown (CONFIG refused)"}[persists]
        self.stdout.write(f"persists:  {label}")

    def bans(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "list":
            entries = bans.active(options["search"], monitor=options["monitor"])
            for e in entries:
                self.stdout.write(f"{e.identity:<40} {e.seconds_left:>8}s  {e.reason}")
            self.stdout.write(f"{len(entries)} ban(s)")
        elif action == "add":
            identity = identity_of(options["identity"])
            seconds = int(options["hours"] * 3600)
            if seconds < 1:
                raise CommandError("--hours must be positive")
            bans.add(identity, seconds, options["reason"][:200])
            self.stdout.write(f"banned {identity} for {seconds}s")
        else:
            identity = identity_of(options["identity"])
            lifted = bans.remove(identity)
            self.stdout.write(f"{identity}: {'ban lifted' if lifted else 'was not banned'}")

    def limits(self, action: str, identity: str) -> None:
        cfg = get_config()
        k = Keys(cfg.key_prefix)
        client = get_store().client
        prefixes = sorted({r.prefix: r for p in cfg.plans.values() for r in p.rules}.items())
        if action == "reset":
            names = [k.ratelimit(identity, p) for p, _ in prefixes]
            names += [k.lifetime(identity, p) for p, _ in prefixes]
            removed = client.delete(*names) if names else 0
            self.stdout.write(f"{identity}: removed {removed} counter(s)")
            return
        now = clock.now_ms()
        for prefix, rule in prefixes:
            used = ratelimit.window_usage(client.get(k.ratelimit(identity, prefix)), rule, now)
            parts = [f"{w.name} {n}" for w, n in zip(rule.windows, used, strict=True)]
            if rule.lifetime:
                life = client.get(k.lifetime(identity, prefix))
                parts.append(f"lifetime {int(life or 0)}")
            self.stdout.write(f"{identity} {prefix}: {', '.join(parts) or '-'}")

    def import_legacy(self, options: dict[str, Any]) -> None:
        from smartlayer import legacy

        cfg = get_config()
        report = legacy.import_legacy(
            cfg, permanent_days=options["permanent_days"], dry_run=options["dry_run"]
        )
        if not report.tables:
            self.stdout.write(
                "import-legacy: no 0.1.x tables (smartlayer_banneduser, smartlayer_userrequestcount)"
            )
            return
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(
            f"import-legacy: {verb} {report.bans} active bans ({report.bans_expired} expired skipped) "
            f"and {report.counters} lifetime counters"
        )
        for line in report.bans_skipped + report.counts_skipped:
            self.stdout.write(f"  skipped: {line}")
        if options["drop"] and not options["dry_run"]:
            legacy.drop_tables(report.tables)
            self.stdout.write(f"import-legacy: dropped {', '.join(report.tables)}")
