"""The ORM side of monitoring: one report per local day, and the sampled request log."""

from __future__ import annotations

from django.db import models


class DailyReport(models.Model):
    """What ``analyse_logs`` concluded about one day; rewritten when it runs again."""

    date = models.DateField(unique=True)
    text = models.TextField()
    stats = models.JSONField(default=dict)
    summary_source = models.CharField(max_length=200)
    total_requests = models.BigIntegerField(default=0)
    errors = models.BigIntegerField(default=0)
    blocked = models.BigIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-date",)
        verbose_name = "daily report"

    def __str__(self) -> str:
        return f"Report for {self.date}"

    @property
    def error_rate(self) -> float:
        return self.errors / self.total_requests if self.total_requests else 0.0


class RequestLog(models.Model):
    """One sampled request (buffered in Redis, written in batches by ``analyse_logs``)."""

    ts = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10, blank=True)
    route = models.CharField(max_length=100)
    status = models.PositiveSmallIntegerField()
    latency_ms = models.FloatField()
    identity = models.CharField(max_length=100)
    reason = models.CharField(max_length=50, blank=True, db_index=True)

    class Meta:
        ordering = ("-ts",)
        verbose_name = "sampled request"

    def __str__(self) -> str:
        return f"{self.ts:%Y-%m-%d %H:%M:%S} {self.route} {self.status}"
