from __future__ import annotations

from django.http import HttpResponse
from django.urls import path


def ok(request, **kwargs):
    return HttpResponse("ok")


urlpatterns = [
    path("api/users/<int:pk>/", ok),
    path("api/items/", ok),
    path("health/", ok),
    path("", ok),
]
