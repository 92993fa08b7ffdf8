"""The staff page for bans: list, search, add, lift; staff only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from smartlayer import bans

URL = "/admin/smartlayer/bans/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, smart):
    smart(WHITELIST_PATHS=["/admin/"])
    user = User.objects.create_user("staff", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_user"))
    client.force_login(user)
    return client


def test_lists_and_searches_bans(staff):
    bans.add("ip:192.0.2.1", 3600, "burst")
    bans.add("u:42", 7200, "manual")
    page = staff.get(URL).content.decode()
    assert "ip:192.0.2.1" in page and "burst" in page and "u:42" in page
    page = staff.get(URL, {"q": "u:"}).content.decode()
    assert "u:42" in page and "ip:192.0.2.1" not in page


def test_add_and_lift(staff):
    response = staff.post(URL, {"identity": "203.0.113.9", "hours": "2", "reason": "abuse"})
    assert response.status_code == 302
    assert [b.identity for b in bans.active()] == ["ip:203.0.113.9"]
    staff.post(URL, {"lift": "ip:203.0.113.9"})
    assert bans.active() == []


def test_bad_identity_is_a_form_error(staff):
    response = staff.post(URL, {"identity": "not an ip", "hours": "2", "reason": "x"})
    assert response.status_code == 200
    assert "neither" in response.content.decode()


def test_staff_without_permission_can_look_but_not_change(client, smart):
    smart(WHITELIST_PATHS=["/admin/"])
    client.force_login(User.objects.create_user("viewer", password="x", is_staff=True))
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"identity": "192.0.2.3", "hours": "1", "reason": "x"}).status_code == 403
    assert bans.active() == []


def test_anonymous_is_sent_to_login(client, smart):
    smart(WHITELIST_PATHS=["/admin/"])
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
