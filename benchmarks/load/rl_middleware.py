"""django-ratelimit doing one limit per client IP, as a middleware (the demo's views are not
decorated). The same call ``@ratelimit(key="ip", rate=..., block=True)`` makes."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django_ratelimit.core import is_ratelimited


class IPRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.rate = settings.RATELIMIT_RATE

    def __call__(self, request):
        if request.path.startswith("/api/") and is_ratelimited(
            request, group="load-api", key="ip", rate=self.rate, method=is_ratelimited.ALL, increment=True
        ):
            return JsonResponse({"error": "rate limited"}, status=429)
        return self.get_response(request)
