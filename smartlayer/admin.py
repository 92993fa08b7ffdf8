"""Admin: daily reports (read-only, with server-rendered SVG charts) and the sampled request
log (read-only). Bans have their own staff pages (smartlayer.views)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from smartlayer import reports
from smartlayer.models import DailyReport, RequestLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by analyse_logs only: staff may look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DailyReport)
class DailyReportAdmin(ReadOnlyAdmin):
    list_display = ("date", "total_requests", "errors", "error_rate_display", "blocked", "summary_source")
    date_hierarchy = "date"
    fields = (
        "date",
        "traffic_chart",
        "latency_chart",
        "report",
        "summary_source",
        "raw_stats",
        "created",
        "updated",
    )
    readonly_fields = fields

    @admin.display(description="error rate", ordering="errors")
    def error_rate_display(self, obj: DailyReport) -> str:
        return f"{obj.error_rate * 100:.2f}%"

    @admin.display(description="requests per hour")
    def traffic_chart(self, obj: DailyReport) -> str:
        return mark_safe(reports.hourly_chart(obj.stats))

    @admin.display(description="latency")
    def latency_chart(self, obj: DailyReport) -> str:
        return mark_safe(reports.latency_chart(obj.stats))

    @admin.display(description="report")
    def report(self, obj: DailyReport) -> str:
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', obj.text)

    @admin.display(description="stats (JSON)")
    def raw_stats(self, obj: DailyReport) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.stats, indent=2))


@admin.register(RequestLog)
class RequestLogAdmin(ReadOnlyAdmin):
    list_display = ("ts", "method", "route", "status", "latency_ms", "identity", "reason")
    list_filter = ("ts", "status", "reason")
    search_fields = ("identity", "route")
    date_hierarchy = "ts"
    list_per_page = 100
    show_full_result_count = False  # COUNT(*) over a big log is slow
