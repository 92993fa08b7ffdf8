"""Property-based tests: random requests thrown at the full stack never make us raise, and the
validator's normalizer never raises or blows up on random input (a fuzz run)."""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartlayer import validator
from smartlayer.middleware import SmartLayerMiddleware

# What any request may get from us: the view's 200, or one of our defined refusals.
DEFINED = {200, 403, 429, 503}

# A WSGI server hands the raw bytes of headers and the query string over as latin-1 text.
header_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300).map(
    lambda t: t.encode("utf-8").decode("latin-1")
)
path_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="?#"), max_size=200)
bodies = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=60)),
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
        max_leaves=30,
    ).map(lambda doc: json.dumps(doc).encode()),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
        "text/html; charset=latin-1",
        "application/vnd.api+json",
        "garbage/;;;",
    ]
)

request_parts = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
        "path": path_text,
        "query": header_text,
        "body": bodies,
        "content_type": content_types,
        "remote": st.one_of(st.ip_addresses().map(str), header_text),
        "xff": header_text,
        "forwarded": header_text,
        "ua": header_text,
    }
)


def build(parts: dict) -> object:
    path = "/" + parts["path"].lstrip("/")
    factory = RequestFactory()
    request = factory.generic(
        parts["method"],
        path,
        data=parts["body"],
        content_type=parts["content_type"],
        QUERY_STRING=parts["query"],
        REMOTE_ADDR=parts["remote"],
        HTTP_X_FORWARDED_FOR=parts["xff"],
        HTTP_FORWARDED=parts["forwarded"],
        HTTP_USER_AGENT=parts["ua"],
    )
    request.user = AnonymousUser()
    return request


PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(parts=request_parts)
def test_random_requests_never_raise_through_the_full_stack(smart_fake, parts):
    response = smart_fake["sync"](build(parts))
    assert response.status_code in DEFINED


@PROPERTY
@given(parts=request_parts)
def test_random_requests_never_raise_on_the_async_path(smart_fake, parts):
    response = asyncio.run(smart_fake["async"](build(parts)))
    assert response.status_code in DEFINED


@settings(max_examples=400, deadline=None)
@given(value=st.text(max_size=400), content_type=content_types)
def test_the_validator_never_raises_and_answers_a_verdict(value, content_type):
    found = validator.inspect(value, content_type, query=value[:100])
    assert found.verdict in ("allow", "ask_ai", "block")
    assert found.score >= 0 and found.families <= set(validator.FAMILIES)
    assert (found.verdict == "allow") == (found.score < 1)


ENCODED = st.text(
    alphabet="%25%2e%2f%3c%3e%27%u00&#x;<>'\"/\\.abcdefghijklmnopqrstuvwxyz0123456789+ ", max_size=300
)


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(st.text(max_size=300), ENCODED))
def test_the_normalizer_is_bounded(value):
    """Fuzz: each decoding step is bounded, so what is inspected stays proportional to the
    input (no decoding bomb), and nothing raises."""
    variants = list(validator._normalized(value))
    assert 1 <= len(variants) <= 6
    assert sum(len(v) for v in variants) <= 8 * len(value) + 64
    hits: dict = {}
    validator._encoding(value, hits)


# -- the fixture: the full stack on the embedded fakeredis, built once per test -------------


def _app():
    return SmartLayerMiddleware(lambda request: HttpResponse("ok"))


async def _async_view(request):
    return HttpResponse("ok")


@pytest.fixture
def smart_fake(settings, frozen_clock):
    import uuid

    from smartlayer import store

    settings.SMART_MIDDLEWARE = {
        "KEY_PREFIX": "p" + uuid.uuid4().hex[:10],
        "RATE_LIMIT_PLANS": {"anonymous": {"/": {"per_minute": 10**6}}},
        "TRUSTED_PROXIES": ["10.0.0.0/8", "::1/128"],
        "VALIDATOR_AI_MODE": "off",
    }
    yield {"sync": _app(), "async": SmartLayerMiddleware(_async_view)}
    store.reset()


# Pieces of attacks and of prose: the literals rules look for, punctuation that opens or
# closes windows and words, and plain words, so that random texts come near every rule.
_PIECES = [
    "'", '"', "<", ">", "/", "\\", ";", "|", "&", "$", "(", ")", "{", "}", "[", "]", "=", "-", "--",
    "#", "*", "%", "@", "`", ",", ".", ":", "..", "../", "\n", " ", "  ", "\t", "0x", "1", "42",
    "select", "union", "from", "or", "and", "sleep", "where", "drop", "table", "script", "alert",
    "onerror", "img", "svg", "src", "javascript", "etc", "passwd", "win.ini", "cat", "id", "bash",
    "curl", "wget", "ignore", "previous", "instructions", "system", "prompt", "you", "are", "now",
    "dan", "jndi", "ldap", "ifs", "php", "file", "null", "char", "concat", "exec", "waitfor",
    "delay", "benchmark", "information_schema", "iframe", "style", "expression", "the", "a", "of",
    # words and marks that prompt-injection matches start with (see validator._starts)
    "i", "i'm", "im", "in", "into", "your", "do", "not", "act", "as", "like", "from", "on", "to",
    "for", "any", "ai", "dear", "chatgpt", "pretend", "disregard", "forget", "override", "!", "?",
    "'re", "don't", "dan:", "[system]", "### ", "\n\n", "-", "e-mail", "api", "key",
]  # fmt: skip
# SMARTLAYER_PROPERTY_EXAMPLES raises the example count for a longer fuzz run
GATE_EXAMPLES = int(os.environ.get("SMARTLAYER_PROPERTY_EXAMPLES", "300"))


@settings(max_examples=GATE_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=160))
def test_validator_gates_and_windows_never_hide_a_match(pieces):
    """Every rule's cheap pre-checks (gates, word index, windowed search, the places where a
    match may start) agree with a plain regex search of the same text: they may only save
    time, never miss a match."""
    text = "".join(pieces)
    tokens = validator._tokens(text)
    # the same pieces again and again, so that the searches of long texts run too (windows,
    # places where a match may start; a text under 256 characters is searched whole)
    long_text = "\n".join([text] * (1 + 300 // len(text)))
    long_tokens = validator._tokens(long_text)
    seen: dict = {}
    for family in validator._FAMILY_PATTERNS.values():
        for name, _weight, pattern, gate in family:
            found = pattern.search(text) is not None
            window = gate[2] if gate else None
            assert validator._search(pattern, text, window) == found, (name, text)
            assert validator._search(pattern, text, window, tokens, {}) == found, (name, text)
            if found and gate is not None:
                assert all(not quick.isdisjoint(tokens) for quick in gate[0]), (name, text)
                assert validator._opens(gate[1], tokens, text), (name, text)
            found = pattern.search(long_text) is not None
            assert validator._search(pattern, long_text, window) == found, (name, text)
            assert validator._search(pattern, long_text, window, long_tokens, seen) == found, (name, text)


_ARG = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.binary(max_size=7000),  # past redis-py's 6000-byte chunking
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30), max_size=8),
       st.lists(_ARG, max_size=40))  # fmt: skip
def test_the_evalsha_packer_agrees_with_redis_py_on_any_arguments(keys, args):
    """smartlayer packs its script calls itself: byte for byte what redis-py would send."""
    import redis

    from smartlayer import store

    sha = "0123456789abcdef0123456789abcdef01234567"
    expected = b"".join(redis.Connection().pack_command("EVALSHA", sha, len(keys), *keys, *args))
    assert store.pack_evalsha(sha.encode(), keys, args) == expected
