"""Staff pages for bans, in the admin's look: list and search, add, lift (backed by Redis).

Mount them next to the admin::

    path("admin/smartlayer/", include("smartlayer.urls")),
    path("admin/", admin.site.urls),
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from smartlayer import bans
from smartlayer.exceptions import StoreUnavailable

# Who may change bans: superusers, or staff with this permission on auth.User (a permission
# every site has), since bans are not ORM objects with permissions of their own.
CHANGE_PERMISSION = "auth.change_user"


class BanForm(forms.Form):
    identity = forms.CharField(help_text="u:<user id>, ip:<address>, or an IP address", max_length=100)
    hours = forms.FloatField(min_value=0.01, max_value=24 * 365, initial=24)
    reason = forms.CharField(max_length=200, initial="manual")

    def clean_identity(self) -> str:
        try:
            return bans.parse_identity(self.cleaned_data["identity"].strip())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


def _may_change(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser or request.user.has_perm(CHANGE_PERMISSION))


@staff_member_required
@require_http_methods(["GET", "POST"])
def ban_list(request: HttpRequest) -> HttpResponse:
    """List current bans (and would-be bans of monitor mode), search, add, lift."""
    form = BanForm()
    if request.method == "POST":
        if not _may_change(request):
            raise PermissionDenied
        form = _post(request)
        if form is None:
            return HttpResponseRedirect(reverse("smartlayer:bans"))
    search = request.GET.get("q", "").strip()[:100]
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": "Bans",
        "form": form,
        "search": search,
        "may_change": _may_change(request),
    }
    try:
        context["bans"] = bans.active(search)
        context["would_be"] = bans.active(search, monitor=True)
    except StoreUnavailable as exc:
        context["error"] = f"Redis is unavailable: {exc}"
    return render(request, "smartlayer/bans.html", context)


def _post(request: HttpRequest) -> BanForm | None:
    """Handle 'lift' or 'add'; return the form to show again with errors, or None."""
    try:
        if "lift" in request.POST:
            identity = bans.parse_identity(request.POST["lift"])
            lifted = bans.remove(identity)
            messages.success(request, f"{identity}: {'ban lifted' if lifted else 'was not banned'}")
            return None
        form = BanForm(request.POST)
        if not form.is_valid():
            return form
        seconds = int(form.cleaned_data["hours"] * 3600)
        bans.add(form.cleaned_data["identity"], seconds, form.cleaned_data["reason"])
        messages.success(request, f"banned {form.cleaned_data['identity']} for {seconds}s")
    except StoreUnavailable as exc:
        messages.error(request, f"Redis is unavailable: {exc}")
    except ValueError as exc:  # a bad identity in 'lift'
        messages.error(request, str(exc))
    return None
