"""URLs of smartlayer's staff pages; mount under the admin (see smartlayer.views)."""

from __future__ import annotations

from django.urls import path

from smartlayer import views

app_name = "smartlayer"
urlpatterns = [path("bans/", views.ban_list, name="bans")]
