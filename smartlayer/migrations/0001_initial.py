# The 0.1.x initial migration, kept byte for byte in meaning so that sites upgrading from
# django-smart-layer 0.1.x (same app label) continue their migration history. 0002 turns it
# into the current schema.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(unique=True)),
                ("report", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-date"],
            },
        ),
        migrations.CreateModel(
            name="BannedUser",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("user_id", models.IntegerField(blank=True, db_index=True, null=True)),
                ("ip_address", models.GenericIPAddressField(blank=True, db_index=True, null=True)),
                ("reason", models.TextField(default="AI anomaly detection")),
                ("banned_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("user_id__isnull", False)),
                        fields=("user_id",),
                        name="unique_banned_user_id",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("ip_address__isnull", False)),
                        fields=("ip_address",),
                        name="unique_banned_ip",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RequestLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("user_id", models.IntegerField(blank=True, null=True)),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("method", models.CharField(max_length=10)),
                ("path", models.CharField(max_length=500)),
                ("status_code", models.IntegerField()),
                ("response_time_ms", models.FloatField()),
                ("timestamp", models.DateTimeField(auto_now_add=True)),
                ("was_blocked", models.BooleanField(default=False)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["user_id", "timestamp"], name="reqlog_user_time_idx"),
                    models.Index(fields=["timestamp"], name="reqlog_time_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="UserRequestCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(max_length=200)),
                ("plan_field", models.CharField(max_length=50)),
                ("lifetime_count", models.IntegerField(default=0)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "unique_together": {("user", "path", "plan_field")},
            },
        ),
    ]
