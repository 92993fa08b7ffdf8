"""``manage.py smartlayer``: status and per-identity limits."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import User

PLANS = {"anonymous": {"/api/": {"per_minute": 2}}, "free": {"/api/": {"per_minute": 5, "lifetime": 9}}}


def run(*args):
    out = StringIO()
    call_command("smartlayer", *args, stdout=out)
    return out.getvalue()


def test_status_names_the_store_and_plans(smart):
    smart(RATE_LIMIT_PLANS=PLANS)
    out = run("status")
    assert "anonymous, free (2 rules)" in out
    assert "redis:" in out


def test_limits_show_and_reset(smart, frozen_clock, call, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS)
    mw = call()
    for _ in range(3):
        mw(rf_user("/api/x", user=User(5, "free")))
    assert mw(rf_user("/api/x", ip="192.0.2.9")).status_code == 200
    assert mw(rf_user("/api/x", ip="192.0.2.9")).status_code == 200
    assert mw(rf_user("/api/x", ip="192.0.2.9")).status_code == 429
    assert "u:5 /api/: minute 3, lifetime 3" in run("limits", "show", "u:5")
    assert "ip:192.0.2.9 /api/: minute 2" in run("limits", "show", "192.0.2.9")
    assert "removed 1" in run("limits", "reset", "ip:192.0.2.9")
    assert mw(rf_user("/api/x", ip="192.0.2.9")).status_code == 200


def test_bad_identity_is_a_clear_error(smart):
    with pytest.raises(CommandError, match="neither"):
        run("limits", "show", "not-an-ip")


def test_bans_add_list_remove(smart, call, rf_user):
    smart()
    mw = call()
    assert "banned ip:192.0.2.5 for 7200s" in run(
        "bans", "add", "192.0.2.5", "--hours", "2", "--reason", "abuse"
    )
    assert mw(rf_user("/x", ip="192.0.2.5")).status_code == 403
    listing = run("bans", "list")
    assert "ip:192.0.2.5" in listing and "abuse" in listing and "1 ban(s)" in listing
    assert "0 ban(s)" in run("bans", "list", "--search", "u:")
    assert "ban lifted" in run("bans", "remove", "ip:192.0.2.5")
    assert mw(rf_user("/x", ip="192.0.2.5")).status_code == 200
    assert "0 ban(s)" in run("bans", "list")
    assert "was not banned" in run("bans", "remove", "ip:192.0.2.5")


def test_bans_made_by_the_detector_are_listed(smart, call, rf_user):
    smart()
    call()(rf_user("/x", ip="192.0.2.6", HTTP_USER_AGENT=""))
    listing = run("bans", "list")
    assert "ip:192.0.2.6" in listing and "empty_user_agent" in listing
