from __future__ import annotations

from django.urls import path

from demo_site import views

urlpatterns = [
    path("", views.home),
    path("health/", views.health),
    path("api/items/", views.items),
    path("api/items/<int:pk>/", views.item),
    path("api/export/", views.export),
    path("api/login/", views.login),
    path("api/comments/", views.comments),
]
