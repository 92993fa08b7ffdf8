"""From the 0.1.x schema to this one.

- ``DailyReport`` keeps its rows: ``report`` becomes ``text``, ``created_at`` becomes
  ``created``, and the new columns are added (rows from 0.1.x get ``summary_source`` "0.1.x").
- ``RequestLog`` is replaced: 0.1.x wrote one row per request with other columns; the new log
  holds a sample written in batches. The old rows are dropped.
- ``BannedUser`` and ``UserRequestCount`` leave the ORM (bans and lifetime counts live in
  Redis). Their tables are dropped here when empty; when they hold rows (a 0.1.x site), the
  tables stay until ``manage.py smartlayer import-legacy --drop`` has copied the active bans
  and lifetime counts into Redis.
"""

from __future__ import annotations

import django.utils.timezone
from django.db import migrations, models

LEGACY_TABLES = ("smartlayer_banneduser", "smartlayer_userrequestcount")


def drop_empty_legacy_tables(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    for table in LEGACY_TABLES:
        if table not in existing:
            continue
        quoted = schema_editor.quote_name(table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
            (rows,) = cursor.fetchone()
        if rows == 0:
            schema_editor.execute(f"DROP TABLE {quoted}")


def recreate_legacy_tables(apps, schema_editor):
    """Going back to 0001: the legacy tables exist again (empty if they had been dropped)."""
    existing = set(schema_editor.connection.introspection.table_names())
    for name in ("BannedUser", "UserRequestCount"):
        model = apps.get_model("smartlayer", name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)


def mark_old_reports(apps, schema_editor):
    DailyReport = apps.get_model("smartlayer", "DailyReport")
    DailyReport.objects.using(schema_editor.connection.alias).update(summary_source="0.1.x")


class Migration(migrations.Migration):
    dependencies = [("smartlayer", "0001_initial")]

    operations = [
        # DailyReport: keep the rows
        migrations.RenameField("DailyReport", "report", "text"),
        migrations.RenameField("DailyReport", "created_at", "created"),
        migrations.AddField("DailyReport", "stats", models.JSONField(default=dict)),
        migrations.AddField("DailyReport", "summary_source", models.CharField(max_length=200, default="")),
        migrations.RunPython(mark_old_reports, migrations.RunPython.noop),
        migrations.AlterField("DailyReport", "summary_source", models.CharField(max_length=200)),
        migrations.AddField("DailyReport", "total_requests", models.BigIntegerField(default=0)),
        migrations.AddField("DailyReport", "errors", models.BigIntegerField(default=0)),
        migrations.AddField("DailyReport", "blocked", models.BigIntegerField(default=0)),
        migrations.AddField(
            "DailyReport",
            "updated",
            models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            "DailyReport", options={"ordering": ("-date",), "verbose_name": "daily report"}
        ),
        # RequestLog: a new table
        migrations.DeleteModel("RequestLog"),
        migrations.CreateModel(
            name="RequestLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ts", models.DateTimeField(db_index=True)),
                ("method", models.CharField(blank=True, max_length=10)),
                ("route", models.CharField(max_length=100)),
                ("status", models.PositiveSmallIntegerField()),
                ("latency_ms", models.FloatField()),
                ("identity", models.CharField(max_length=100)),
                ("reason", models.CharField(blank=True, db_index=True, max_length=50)),
            ],
            options={"ordering": ("-ts",), "verbose_name": "sampled request"},
        ),
        # BannedUser, UserRequestCount: out of the ORM; their tables wait for import-legacy
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel("BannedUser"),
                migrations.DeleteModel("UserRequestCount"),
            ],
            database_operations=[migrations.RunPython(drop_empty_legacy_tables, recreate_legacy_tables)],
        ),
    ]
