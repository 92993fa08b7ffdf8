"""Identity resolvers used by the tests (IDENTITY_RESOLVER takes a dotted path)."""

from __future__ import annotations


def token_user(request):
    """'Authorization: Token <plan>-<id>' -> (id, plan), as a site's own resolver might."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Token "):
        return None
    plan, _, uid = header[6:].partition("-")
    return (uid, plan)


def broken(request):
    raise RuntimeError("resolver bug")
