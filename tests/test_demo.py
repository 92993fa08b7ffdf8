"""The README's demo runs and shows every built feature answering."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_demo_shows_limits_quotas_and_bans(tmp_path):
    env = {**os.environ, "DEMO_DB": str(tmp_path / "demo.sqlite3")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [sys.executable, str(ROOT / "example" / "demo.py")],
        env=env, capture_output=True, text=True, timeout=300, check=True,
    ).stdout  # fmt: skip
    rows = {line.split()[0]: line.split()[1:6] for line in out.splitlines() if line[:1].isalpha()}
    assert rows["alice"][:2] == rows["alice"][:1] * 2  # every request admitted
    assert rows["greedy"][3] == "10"  # ten 429s past 30/minute
    assert rows["carol"][1:4] == ["5", "0", "3"]  # lifetime quota of 5
    for banned in ("stuffer", "scraper", "flooder", "no-UA"):
        assert int(rows[banned][4]) > 0, banned
    assert '"error": "quota"' in out and "RateLimit-Policy: free-minute;q=30;w=60" in out
    assert "grey:" in out and "sequential_ids" in out
    assert rows["writer"][1] == rows["writer"][0]  # tricky but honest comments: all admitted
    assert rows["injector"][4] == rows["injector"][0]  # every attack refused, then banned
    assert '"error": "validator"' in out and "validator:sqli" in out
    assert "Traffic report for" in out and "report saved" in out and "/api/items/<int:pk>/" in out
