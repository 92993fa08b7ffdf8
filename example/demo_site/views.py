from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt


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


@csrf_exempt
def comments(request):
    if request.method != "POST":
        return JsonResponse({"comments": []})
    try:
        text = json.loads(request.body or b"{}").get("text", "")
    except (ValueError, AttributeError):
        return JsonResponse({"error": "invalid JSON"}, status=400)
    return JsonResponse({"saved": True, "length": len(str(text))}, status=201)


def login(request):
    # Every attempt fails: the demo's credential stuffer never guesses right.
    return JsonResponse({"error": "invalid credentials"}, status=401)
