"""The GREY score as a pure function: each signal, its weight, thresholds, grace."""

from __future__ import annotations

from dataclasses import replace

import pytest

from smartlayer.anomaly import Facts, score
from smartlayer.conf import parse

BROWSER = "Mozilla/5.0 Firefox/128.0"


def facts(**kw):
    base = Facts("", 0, 1, 1, 0, 1, 1, 0, 0, True, 100)
    return replace(base, **kw)


CFG = parse({})


@pytest.mark.parametrize(
    ("kw", "anonymous", "ua", "signal", "weight"),
    [
        ({}, False, "curl/8.5", "suspicious_ua", 2),
        ({}, False, "Scrapy/2.11 (+https://scrapy.org)", "suspicious_ua", 2),
        ({"requests_10s": 20}, False, BROWSER, "elevated_rate", 3),
        ({"requests_10s": 49}, False, BROWSER, "elevated_rate", 3),
        ({"requests_2m": 11, "errors_2m": 4}, False, BROWSER, "moderate_errors", 2),
        ({"sensitive_1m": 3}, True, BROWSER, "sensitive_paths", 3),
        ({"paths_1m": 25}, False, BROWSER, "scanning", 2),
        ({"id_run": 5}, False, BROWSER, "sequential_ids", 5),
        ({"active_30_40m": False, "requests_10s": 15, "paths_10s": 2}, False, BROWSER, "idle_burst", 2),
        ({}, True, BROWSER, "anonymous", 1),
    ],
)
def test_each_signal_and_its_weight(kw, anonymous, ua, signal, weight):
    v = score(facts(**kw), anonymous, ua, CFG)
    assert signal in v.signals
    base = score(facts(), anonymous, BROWSER, CFG).score if signal != "anonymous" else 0
    assert v.score - base == weight


@pytest.mark.parametrize(
    "kw",
    [
        {"requests_10s": 19},
        {"requests_2m": 11, "errors_2m": 3},  # 30 %
        {"requests_2m": 9, "errors_2m": 8},  # too few finished requests
        {"paths_1m": 24},
        {"id_run": 4},
        {"active_30_40m": False, "requests_10s": 15, "paths_10s": 3},
        {"active_30_40m": True, "requests_10s": 15, "paths_10s": 1},
    ],
)
def test_below_each_threshold_no_signal(kw):
    assert score(facts(**kw), False, BROWSER, CFG).signals == ()


def test_sensitive_paths_count_only_for_anonymous():
    assert "sensitive_paths" not in score(facts(sensitive_1m=9), False, BROWSER, CFG).signals


def test_thresholds_ask_ai_then_ban():
    ask = score(facts(id_run=5), False, BROWSER, CFG)
    assert (ask.action, ask.score) == ("ask_ai", 5)
    ban = score(facts(id_run=5), True, "curl/8", CFG)
    assert (ban.action, ban.score, ban.ban_seconds) == ("ban", 8, 48 * 3600)


def test_grace_requests_are_not_scored():
    v = score(facts(id_run=9, earlier_24h=19), True, "curl", CFG)
    assert v.action == "none" and v.score == 0


def test_weights_and_thresholds_are_settings():
    cfg = parse({"grey_hard_block_score": 20, "ANOMALY": {"weights": {"sequential_ids": 1}}})
    v = score(facts(id_run=5), True, "curl", cfg)
    assert (v.action, v.score) == ("none", 4)
