from __future__ import annotations

from django.http import HttpResponse, JsonResponse


def home(request):
    return HttpResponse("<h1>demo shop</h1>")


def health(request):
    return JsonResponse({"ok": True})


def items(request):
    return JsonResponse({"items": [{"id": i} for i in range(1, 6)]})


def item(request, pk):
    if pk > 500:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse({"id": pk, "name": f"item {pk}"})


def export(request):
    return JsonResponse({"export": "ok"})


def login(request):
    # Every attempt fails: the demo's credential stuffer never guesses right.
    return JsonResponse({"error": "invalid credentials"}, status=401)
