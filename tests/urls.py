from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def ok(request, **kwargs):
    return HttpResponse("ok")


urlpatterns = [
    path("admin/smartlayer/", include("smartlayer.urls")),
    path("admin/", admin.site.urls),
    path("api/users/<int:pk>/", ok),
    path("api/items/", ok),
    path("health/", ok),
    path("", ok),
]
