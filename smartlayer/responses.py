"""The shape of every response smartlayer sends instead of the view's: JSON with a
machine-readable reason, and Retry-After when waiting helps."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

MESSAGES = {
    "rate_limit": "Too many requests.",
    "quota": "Lifetime quota exhausted.",
    "banned": "Access denied.",
    "anomaly": "Access denied: unusual behaviour.",
    "validator": "Request rejected: it looks like an attack.",
    "unavailable": "Service temporarily unavailable.",
}


def refusal(
    status: int,
    reason: str,
    retry_after: int | None = None,
    headers: dict[str, str] | None = None,
    **detail: Any,
) -> JsonResponse:
    """A JSON refusal: ``{"error": reason, "detail": message, ...}`` plus its headers."""
    body = {"error": reason, "detail": MESSAGES.get(reason, reason), **detail}
    if retry_after is not None:
        body["retry_after"] = retry_after
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
