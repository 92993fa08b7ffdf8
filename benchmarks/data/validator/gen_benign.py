#!/usr/bin/env python3
"""Seeded generator of BENIGN request bodies for the validator evaluation corpus.

    python gen_benign.py        # writes benign/benign_normal.jsonl and benign/benign_hard.jsonl

Each line: {"body": str, "content_type": str, "family": "benign_normal"|"benign_hard",
            "source": "gen_benign:<template>"}
Output is deterministic for a given SEED; the output files are committed.
"""
from __future__ import annotations

import base64
import json
import os
import random
import uuid
from urllib.parse import urlencode

SEED = 1337
N_NORMAL = 2400
N_HARD = 420
HERE = os.path.dirname(os.path.abspath(__file__))
r = random.Random(SEED)

FIRST = ["Alice", "Bob", "Carla", "Dmitri", "Emeka", "Fatima", "Gustavo", "Hana", "Ivan", "Jun", "Kofi",
         "Lena", "Mateo", "Nora", "Olu", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Vera",
         "Wei", "Ximena", "Yusuf", "Zoe", "Seán", "Zoë", "José", "Björn", "Chloé", "Łukasz"]
LAST = ["Smith", "Nguyen", "Garcia", "Müller", "Rossi", "Kowalski", "Okafor", "Tanaka", "Silva", "Jensen",
        "Patel", "Haddad", "Novak", "Dubois", "Andersson", "Kim", "Moreau", "Ivanova", "Costa", "Walker"]
CITIES = [("Berlin", "DE", "10115"), ("Lyon", "FR", "69002"), ("Austin", "US", "78701"), ("Osaka", "JP", "530-0001"),
          ("Porto", "PT", "4000-322"), ("Toronto", "CA", "M5V 2T6"), ("Leeds", "GB", "LS1 4AP"), ("Pune", "IN", "411001"),
          ("Lagos", "NG", "101241"), ("Kraków", "PL", "31-042"), ("Melbourne", "AU", "3000")]
STREETS = ["Main St", "Baker Street", "Rue de la Paix", "Hauptstraße", "Calle Mayor", "Elm Avenue", "Kingsway",
           "Oak Lane", "Via Roma", "Queen St W"]
DOMAINS = ["example.com", "mail.example.org", "acme.io", "corp.example.net", "gmail.com", "outlook.com", "proton.me"]
PRODUCTS = ["USB-C cable 2m", "Wireless mouse", "Espresso beans 1kg", "Yoga mat", "Desk lamp", "Notebook A5",
            "Running shoes", "Noise-cancelling headphones", "Phone case", "Water bottle 750ml", "Backpack 30L",
            "Mechanical keyboard", "Monitor arm", "Tea sampler", "Board game", "LED strip 5m"]
WORDS = ("the quick brown fox jumps over lazy dog great product fast delivery thanks again really happy with "
         "my order arrived on time works as described would buy again packaging was fine colour slightly "
         "different from the photo but still nice customer service helped me quickly love it meeting "
         "tomorrow please confirm schedule invoice attached project update deadline next week").split()
SENTENCES = [
    "Thanks for the quick delivery, everything arrived in one piece.",
    "Could you please update my shipping address before the order ships?",
    "I'd like to change my plan to the annual subscription.",
    "The app keeps logging me out after a few minutes, is this known?",
    "Great service, I'll definitely recommend you to my friends!",
    "Please cancel order #{n}, I ordered the wrong size.",
    "Is the {p} compatible with the older model?",
    "We're hosting a team offsite on {d} and need 12 seats.",
    "Can I pick up my order from the Berlin store instead?",
    "My invoice shows the wrong VAT number, could you fix it?",
    "Hi! Just checking whether the refund for order {n} went through.",
    "The colour is a bit darker than on the photos, but it's fine.",
    "Do you ship to Norway? I couldn't find it in the FAQ.",
    "Looking forward to the webinar next Tuesday at 3 pm.",
    "Reminder: the quarterly report is due on {d}.",
    "It's been 5 days and tracking still says 'label created'.",
    "Our team size is 25-30 people, which plan fits best?",
    "Password reset email never arrived - checked spam too.",
    "Loved the new dashboard; the dark mode is much easier on the eyes.",
    "Could we move our call to Thursday? Wednesday doesn't work for me.",
]
TAGS = ["urgent", "billing", "feature-request", "bug", "ui", "mobile", "android", "ios", "api", "docs", "vip"]
CURRENCIES = ["EUR", "USD", "GBP", "JPY", "INR", "PLN", "CAD"]
LANGS = ["en-US", "fr-FR", "de-DE", "es-ES", "ja-JP", "pt-BR", "pl-PL"]
TZS = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Europe/London", "Asia/Kolkata"]


def name():
    return r.choice(FIRST), r.choice(LAST)


def email(f=None, l=None):
    f, l = (f, l) if f else name()
    sep = r.choice([".", "_", "", "-"])
    return f"{f.lower()}{sep}{l.lower()}{r.choice(['', str(r.randint(1, 99))])}@{r.choice(DOMAINS)}".encode(
        "ascii", "ignore").decode()


def iso(days=800):
    y, m, d = 2024 + r.randint(0, 2), r.randint(1, 12), r.randint(1, 28)
    return f"{y:04d}-{m:02d}-{d:02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}" + r.choice(
        ["Z", "+02:00", ".123Z", "-05:00"])


def date():
    return f"{2024 + r.randint(0, 2)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"


def uid():
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


def phone():
    return r.choice(["+49 30 ", "+1 512-", "+33 4 ", "+44 113 ", "(555) "]) + f"{r.randint(100, 999)} {r.randint(1000, 9999)}"


def url():
    base = f"https://{r.choice(['www.', 'shop.', 'app.', ''])}{r.choice(DOMAINS)}"
    path = r.choice(["/", "/products/" + str(r.randint(1, 999)), "/blog/2025/how-we-ship", "/u/" + uid()[:8],
                     "/search", "/docs/api/v2/orders"])
    if r.random() < 0.4:
        path += "?" + urlencode({"utm_source": r.choice(["newsletter", "twitter", "google"]),
                                 "page": r.randint(1, 9)})
    return base + path


def sentence():
    s = r.choice(SENTENCES)
    return s.format(n=r.randint(10000, 99999), p=r.choice(PRODUCTS), d=date())


def free_text(k=None):
    k = k or r.randint(1, 4)
    out = [sentence() for _ in range(k)]
    if r.random() < 0.3:
        out.append(" ".join(r.choice(WORDS) for _ in range(r.randint(5, 18))).capitalize() + ".")
    return " ".join(out)


def address():
    c = r.choice(CITIES)
    return {"line1": f"{r.randint(1, 250)} {r.choice(STREETS)}", "line2": r.choice(["", "Apt 4B", "2nd floor", "c/o Reception"]),
            "city": c[0], "postal_code": c[2], "country": c[1]}


# ------------------------------------------------------------------ normal JSON
def j_user():
    f, l = name()
    return {"id": uid(), "first_name": f, "last_name": l, "email": email(f, l), "phone": phone(),
            "locale": r.choice(LANGS), "timezone": r.choice(TZS), "marketing_opt_in": r.random() < 0.5,
            "address": address(), "created_at": iso()}


def j_order():
    items = [{"sku": f"SKU-{r.randint(10000, 99999)}", "name": r.choice(PRODUCTS), "qty": r.randint(1, 5),
              "unit_price": round(r.uniform(2, 400), 2)} for _ in range(r.randint(1, 5))]
    return {"order_id": uid(), "customer_id": r.randint(1, 10 ** 6), "currency": r.choice(CURRENCIES),
            "items": items, "shipping": {"method": r.choice(["standard", "express", "pickup"]), "address": address()},
            "coupon": r.choice([None, "WELCOME10", "SPRING-25", ""]), "notes": r.choice(["", sentence()]),
            "placed_at": iso()}


def j_comment():
    return {"post_id": r.randint(1, 50000), "author": " ".join(name()), "body": free_text(),
            "parent_id": r.choice([None, r.randint(1, 9999)]), "rating": r.randint(1, 5)}


def j_search():
    return {"query": " ".join(r.choice(WORDS) for _ in range(r.randint(1, 4))),
            "filters": {"category": r.choice(["books", "electronics", "garden", "toys"]),
                        "price": {"min": r.randint(0, 50), "max": r.randint(60, 900)},
                        "in_stock": r.random() < 0.7, "tags": r.sample(TAGS, r.randint(0, 3))},
            "sort": r.choice(["relevance", "-created_at", "price", "-rating"]), "page": r.randint(1, 20),
            "page_size": r.choice([10, 20, 50, 100])}


def j_event():
    return {"event": r.choice(["page_view", "add_to_cart", "checkout_started", "signup", "click"]),
            "ts": iso(), "session_id": uid(), "url": url(), "referrer": r.choice(["", url()]),
            "props": {"button": r.choice(["buy-now", "nav-home", "cta-banner"]), "ab_variant": r.choice("AB"),
                      "viewport": {"w": r.choice([375, 768, 1440, 1920]), "h": r.choice([667, 1024, 900, 1080])}}}


def j_ticket():
    f, l = name()
    return {"subject": sentence()[:60], "description": free_text(r.randint(2, 5)), "priority": r.choice(["low", "normal", "high"]),
            "requester": {"name": f"{f} {l}", "email": email(f, l)}, "tags": r.sample(TAGS, r.randint(1, 3)),
            "attachments": [{"filename": r.choice(["screenshot.png", "invoice.pdf", "log.txt"]), "size": r.randint(1000, 900000)}]}


def j_settings():
    return {"notifications": {"email": r.random() < 0.5, "sms": r.random() < 0.2, "push": r.random() < 0.7},
            "theme": r.choice(["light", "dark", "system"]), "language": r.choice(LANGS), "timezone": r.choice(TZS),
            "two_factor": {"enabled": r.random() < 0.6, "method": r.choice(["totp", "sms", "webauthn"])},
            "website": url()}


def j_payment():
    return {"amount": r.randint(100, 500000), "currency": r.choice(CURRENCIES).lower(), "payment_method": "pm_" + uid().replace("-", "")[:24],
            "description": f"Invoice INV-{r.randint(1000, 9999)}", "metadata": {"order_id": uid(), "channel": r.choice(["web", "ios", "android"])},
            "capture": True, "idempotency_key": uid()}


def j_bulk():
    return {"operations": [{"op": r.choice(["add", "replace", "remove"]), "path": f"/items/{r.randint(0, 40)}/{r.choice(['qty', 'price', 'name'])}",
                            "value": r.choice([r.randint(1, 9), round(r.uniform(1, 99), 2), r.choice(PRODUCTS)])} for _ in range(r.randint(1, 6))]}


def j_chat():  # LLM-style chat API body with benign content
    return {"model": r.choice(["gpt-4o-mini", "claude-3-haiku", "llama-3-8b"]), "temperature": round(r.uniform(0, 1), 1),
            "messages": [{"role": "user", "content": r.choice([
                "Summarise this customer review in one sentence: " + free_text(2),
                "Translate to French: " + sentence(),
                "Write a friendly reply to: " + sentence(),
                "What is a good name for a bakery in " + r.choice(CITIES)[0] + "?",
                "Give me three tips for writing clear commit messages.",
            ])}]}


JSON_GENS = [j_user, j_order, j_comment, j_search, j_event, j_ticket, j_settings, j_payment, j_bulk, j_chat]


# ------------------------------------------------------------------ normal forms
def f_login():
    return {"username": email() if r.random() < 0.6 else name()[0].lower() + str(r.randint(1, 999)),
            "password": "".join(r.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@#$%&*") for _ in range(r.randint(10, 18))),
            "remember_me": r.choice(["on", "off"]), "csrfmiddlewaretoken": uid().replace("-", "") * 2, "next": r.choice(["/", "/account/", "/checkout/?step=2"])}


def f_signup():
    f, l = name()
    return {"first_name": f, "last_name": l, "email": email(f, l), "password1": "Sunflower-" + str(r.randint(1000, 9999)),
            "password2": "Sunflower-" + str(r.randint(1000, 9999)), "birth_date": date(), "country": r.choice(CITIES)[1],
            "accept_terms": "1", "newsletter": r.choice(["0", "1"])}


def f_checkout():
    f, l = name()
    a = address()
    return {"full_name": f"{f} {l}", "email": email(f, l), "address_line1": a["line1"], "address_line2": a["line2"],
            "city": a["city"], "zip": a["postal_code"], "country": a["country"], "shipping_method": r.choice(["standard", "express"]),
            "gift_message": r.choice(["", "Happy birthday! Love, " + f, "Congrats on the new job :)"]), "total": f"{r.uniform(5, 500):.2f}"}


def f_contact():
    f, l = name()
    return {"name": f"{f} {l}", "email": email(f, l), "subject": r.choice(["Question about my order", "Partnership", "Feedback", "Press inquiry"]),
            "message": free_text(r.randint(1, 5)), "phone": phone()}


def f_search():
    return {"q": " ".join(r.choice(WORDS) for _ in range(r.randint(1, 4))), "category": r.choice(["all", "books", "music"]),
            "page": str(r.randint(1, 30)), "sort": r.choice(["new", "price_asc", "price_desc"])}


def f_profile():
    f, l = name()
    return {"display_name": f"{f} {l[0]}.", "bio": free_text(1), "website": url(), "location": r.choice(CITIES)[0], "pronouns": r.choice(["", "she/her", "he/him", "they/them"])}


FORM_GENS = [f_login, f_signup, f_checkout, f_contact, f_search, f_profile]


def t_plain():
    return r.choice([free_text(r.randint(1, 6)),
                     f"Order {r.randint(10000, 99999)} status: {r.choice(['shipped', 'pending', 'delivered'])}",
                     "\n".join(f"{r.choice(PRODUCTS)},{r.randint(1, 9)},{r.uniform(1, 99):.2f}" for _ in range(r.randint(2, 8))),
                     f"Hi {name()[0]},\n\n{free_text(3)}\n\nBest regards,\n{' '.join(name())}"])


def gen_normal(n):
    out = []
    seen = set()
    while len(out) < n:
        x = r.random()
        if x < 0.6:
            g = r.choice(JSON_GENS)
            body = json.dumps(g(), ensure_ascii=r.random() < 0.5, indent=r.choice([None, None, 2]))
            ct = r.choice(["application/json", "application/json; charset=utf-8"])
            src = g.__name__
        elif x < 0.9:
            g = r.choice(FORM_GENS)
            body = urlencode(g())
            ct = "application/x-www-form-urlencoded"
            src = g.__name__
        else:
            body = t_plain()
            ct = r.choice(["text/plain", "text/plain; charset=utf-8", "text/csv"]) if "," in body else "text/plain"
            src = "t_plain"
        if body in seen:
            continue
        seen.add(body)
        out.append({"body": body, "content_type": ct, "family": "benign_normal", "source": "gen_benign:" + src})
    return out


# ------------------------------------------------------------------ hard benign seeds
HARD_SEEDS = [
    # SQL questions / snippets (forums, Stack Overflow style)
    "How do I SELECT the latest row per group in Postgres? I tried:\n\n```sql\nSELECT DISTINCT ON (user_id) * FROM {table} ORDER BY user_id, created_at DESC;\n```\nIs there a faster way for ~10M rows?",
    "My query `SELECT name, COUNT(*) FROM {table} GROUP BY name HAVING COUNT(*) > 1` returns duplicates. What am I missing?",
    "Why does `WHERE deleted_at = NULL` never match anything? Turns out you need `IS NULL` - took me an hour to figure out.",
    "Quick tip: never build queries like \"SELECT * FROM users WHERE name = '\" + name + \"'\" - use parameterised queries instead, e.g. cursor.execute(\"SELECT * FROM users WHERE name = %s\", (name,)).",
    "Can someone explain the difference between UNION and UNION ALL? Docs say UNION removes duplicates but I see them anyway.",
    "We store prices as DECIMAL(10,2). To update them I run UPDATE {table} SET price = price * 1.05 WHERE category_id = 7; is that safe inside a transaction?",
    "In the migration I added `ALTER TABLE {table} ADD COLUMN notes TEXT DEFAULT '';` and now inserts are slow. Any ideas?",
    "Lesson 4 of the course covers JOINs: INNER JOIN returns matching rows, LEFT JOIN keeps all rows from the left table. Homework: write a query joining orders and customers.",
    "Does SQLite support `INSERT ... ON CONFLICT DO UPDATE`? I'm on version 3.31.",
    "The report should count orders where status = 'shipped' or status = 'delivered' in the last 30 days.",
    "-- TODO: remove this once the new index is live\nCREATE INDEX CONCURRENTLY idx_{table}_created ON {table}(created_at);",
    "Our DBA said to avoid SELECT * in production code and to always drop temp tables when done. Is DROP TABLE IF EXISTS enough?",
    # prose with apostrophes / dashes / names
    "{name} O'Brien said it's the best café in town -- and honestly, she's right.",
    "Dear Mr. D'Angelo, thank you for your letter; we've forwarded it to the right team.",
    "It's 5 o'clock somewhere -- let's wrap this up; the client's waiting.",
    "I don't think we'll make the deadline; the vendor's API keeps timing out -- again.",
    "Rock 'n' roll night at O'Malley's pub: doors open at 8; tickets are £5 -- bring friends!",
    "My grandmother's recipe calls for 2 cups of flour; 1/2 cup sugar; and a pinch of salt -- that's it.",
    "Ms. N'Diaye and Mr. Ó Súilleabháin will co-chair the panel; please RSVP by Friday.",
    "We've been told 'no' three times -- but we'll try once more; persistence pays.",
    "The contract says: \"the Supplier shall not be liable for indirect losses\"; our lawyer's OK with it.",
    # rich-text HTML from editors
    "<p>Hi team,</p><p>Please review the <b>Q3 roadmap</b> before Friday. The doc is <a href=\"https://docs.example.com/roadmap?v=3&amp;lang=en\">here</a>.</p><p>Thanks &amp; regards,<br>{name}</p>",
    "<h2>Release notes 2.4</h2><ul><li>Faster search</li><li>Dark mode &ndash; finally!</li><li>Fixed a bug where 3 &lt; 5 comparisons failed</li></ul>",
    "<p><img src=\"https://cdn.example.com/img/team-photo.jpg\" alt=\"Our team at the 2025 offsite\" width=\"600\"></p><p>What a week!</p>",
    "<blockquote>Simplicity is prerequisite for reliability.</blockquote><p>&mdash; Edsger W. Dijkstra</p>",
    "<p>Use the <code>&lt;details&gt;</code> element to hide long logs:</p><pre>&lt;details&gt;&lt;summary&gt;Logs&lt;/summary&gt;...&lt;/details&gt;</pre>",
    "<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>&euro;9</td></tr><tr><td>Pro</td><td>&euro;29</td></tr></table>",
    "<p style=\"text-align:center\"><strong>SALE</strong> &ndash; 20% off everything <em>this weekend only</em></p>",
    "<div class=\"note\"><p>Reminder: the office is closed on Monday.</p><p><a href=\"mailto:hr@example.com\">Contact HR</a> with questions.</p></div>",
    "<ol><li>Open <i>Settings</i></li><li>Click <b>Security</b></li><li>Enable two-factor authentication</li></ol>",
    # markdown with code
    "## How to reverse a list in Python\n\n```python\nitems = [1, 2, 3]\nitems.reverse()\nprint(items[::-1])\n```\nBoth work; slicing makes a copy.",
    "Here is my React component, why does it re-render twice?\n\n```jsx\nfunction App() {\n  const [n, setN] = useState(0);\n  return <button onClick={() => setN(n + 1)}>{n}</button>;\n}\n```",
    "In JavaScript, `document.getElementById('total').textContent = sum;` is safer than using innerHTML for plain text.",
    "To escape user input in templates, Django auto-escapes `{{ value }}`; only use `|safe` when you trust the content.",
    "TIL: in bash, `$(command)` is preferred over backticks for command substitution because it nests better.",
    "My regex `^(\\d{3})-(\\d{4})$` doesn't match '555-1234 ' because of the trailing space. Use .strip() first.",
    "```yaml\nservices:\n  web:\n    image: nginx:1.25\n    ports:\n      - \"8080:80\"\n```\nThen run docker compose up -d.",
    "Vue tip: bind classes with `:class=\"{ active: isActive }\"` and handle clicks with `@click=\"toggle\"`.",
    # shell tutorials
    "Step 1: run `ls -la` to see hidden files. Step 2: `cd ..` to go up one directory. Step 3: `cat README.md`.",
    "If the build fails, try `rm -rf node_modules && npm install` and then `npm run build`.",
    "To find large files: `du -sh * | sort -h | tail -n 5`. On macOS you may need `gdu` instead.",
    "Set up the project with:\n\n    git clone https://github.com/example/app.git\n    cd app\n    python -m venv .venv && source .venv/bin/activate\n    pip install -r requirements.txt",
    "Use `grep -rn \"TODO\" src/ | wc -l` to count the TODOs before the release.",
    "On Windows, open PowerShell and run `Get-ChildItem -Recurse | Measure-Object` to count files.",
    "The cron entry `0 3 * * * /usr/local/bin/backup.sh > /var/log/backup.log 2>&1` runs the backup nightly.",
    "ssh into the box, then `sudo systemctl restart nginx; sudo systemctl status nginx` to confirm.",
    "For the workshop, everyone should be able to run `echo $PATH` and `which python3` on their laptop.",
    # prose mentioning prompts / instructions
    "In our chatbot, the system prompt tells the model to answer only questions about billing. How do other teams structure theirs?",
    "Please ignore the previous email about the picnic - it was sent to the wrong list. Sorry for the noise!",
    "Ignore my last message, I found the invoice in the shared drive.",
    "The article explains what prompt injection is and why LLM apps should treat retrieved documents as untrusted.",
    "Our support macro starts with: 'You are a helpful assistant for Acme Inc.' - can we make it sound less robotic?",
    "Forget what I said about Tuesday; Wednesday works better for everyone.",
    "Disregard the attachment in the first mail, the corrected version is attached here.",
    "New policy: act as if every customer is a VIP, even when they're frustrated.",
    "I'm writing a blog post about jailbreaking old iPhones for a retro-tech museum exhibit.",
    "Pretend you're explaining recursion to a five-year-old - what analogy would you use?",
    # math / logic
    "In lesson 2 we prove that 1=1 is trivially true and then show that if x=2 then x+1=3.",
    "The condition a or b is true if at least one of them is true; 1 or 0 = 1.",
    "Score: home 2 - away 1 (OT); next match on 2025-11-02.",
    "If 2x + 3 = 11 then x = 4; check: 2*4 + 3 = 11.",
    "Our A/B test: variant B > A by 3.2% (p < 0.05); n = 12,400 per arm.",
    "Temperature range tonight: -5 to -2 °C; tomorrow 1-4 °C.",
    # file paths in bug reports
    "The installer fails with 'Access denied' when writing to C:\\Users\\me\\AppData\\Local\\Temp\\setup.log. Running as admin didn't help.",
    "After upgrading, errors show up in /var/log/app/error.log: 'connection reset by peer'.",
    "Config lives in ~/.config/myapp/settings.toml; delete it to reset to defaults.",
    "Stack trace points to src/components/../utils/format.js line 42 - probably a relative import issue.",
    "Crash dump saved to D:\\dumps\\app_2025-03-01.dmp (about 2 GB), can I upload it somewhere?",
    "Nginx config is at /etc/nginx/sites-available/default; I changed root to /srv/www/html.",
    "The photo upload saves to media/uploads/2025/03/IMG_1234.jpg but the thumbnail is missing.",
    "Please check \\\\fileserver\\shared\\finance\\Q3 report.xlsx - the totals don't match.",
    # URLs with query strings
    "Here's the link to the filtered report: https://reports.example.com/view?from=2025-01-01&to=2025-03-31&team=sales&sort=-revenue",
    "Tracking link: https://track.example.net/pkg?id=1Z999AA10123456784&lang=en&ref=email",
    "Search results: https://www.example.com/search?q=red+shoes&size=42&color=red%20%26%20black",
    "Callback URL for OAuth is https://app.example.io/oauth/callback?state=abc123&code=xyz789 - is that whitelisted?",
    # base64 / data
    "Attached the config as base64: {b64}",
    "Signature block: {b64}",
    # emails / misc prose
    "Hey {name}, just a heads up: the server at 10.0.0.12 will be rebooted tonight (maintenance window 22:00-23:00).",
    "Password policy reminder: at least 12 characters; include a symbol like ! or #; never reuse passwords.",
    "Recipe: mix 200g flour & 100g butter; bake at 180°C for 25 min. Serves 4 <3",
    "Our motto: <strong>customers first</strong> -- always. (Yes, our CMS shows the tags literally.)",
    "Use <br> tags sparingly; prefer CSS margins for spacing in the new design system.",
    "The form says 'Name must be < 50 characters & > 2 characters' -- that's confusing wording.",
    "Price drop alert!!! Was $199 -> now $149 (save 25%) -- ends Sunday @ midnight.",
    "Rating: 5/5 -- would order again; the staff's attitude was great ;)",
    "Meeting notes: 1) budget ok; 2) hiring freeze lifted; 3) office move -> Q2.",
    "He typed `rm` by accident but luckily the folder was under version control -- phew.",
    "Our SQL course covers SELECT, INSERT, UPDATE and DELETE in the first week; JOINs and subqueries in week two.",
    "Security training recap: phishing emails often say 'urgent' and ask you to click a link; report them to security@example.com.",
    "The alert rule fires when cpu > 90% for 5m; we'll lower it to 80% after the holidays.",
    "I love the 'select all' checkbox in the new inbox -- finally!",
    "My son's science project: does water boil faster with salt? (Spoiler: no, slightly slower.)",
    "Please drop the table reservation for Friday -- we'll be 6 people on Saturday instead.",
    "Union meeting at 6 pm; select a representative from each department by Monday.",
    "Can you update the sign-up page copy? 'Or' should be lowercase in 'Sign in or create an account'.",
    "The script tag in our template loads analytics from our own domain; we removed all third-party scripts last year.",
    "Alert: your order has shipped! Track it at https://shop.example.com/orders/84721?src=mail",
    "Set Content-Type to application/json and pass the token in the Authorization header, not in the URL.",
    "Our wiki page 'How to onboard' says: execute the setup script, then restart your laptop.",
    "The poem ends with: '...and the night sang back -- softly; endlessly.'",
    "Windows path example for the docs: C:\\Program Files\\Acme\\bin\\acme.exe --config C:\\ProgramData\\Acme\\config.ini",
    "Relative links in markdown: [see here](../guides/setup.md) and [API](../../api/README.md).",
    "Emoji test 🎉🔥 -- and some non-Latin text: Привет, 你好, مرحبا, こんにちは.",
]

HARD_WRAPPERS = ["raw", "json_post", "json_comment", "form_message", "markdown", "json_chat"]
TABLES = ["orders", "users", "events", "invoices", "products", "sessions"]


def hard_fill(s: str) -> str:
    b64 = base64.b64encode(("\n".join(f"{k}={r.randint(1, 999)}" for k in ("retries", "timeout", "port", "workers"))
                            + f"\nname={r.choice(FIRST)}\n").encode()).decode()
    return s.replace("{table}", r.choice(TABLES)).replace("{name}", r.choice(FIRST)).replace("{b64}", b64)


def hard_variant(seed: str):
    s = hard_fill(seed)
    # light variation: greeting / sign-off / extra benign sentence
    if r.random() < 0.35:
        s = r.choice(["Hi all, ", "Quick question: ", "FYI - ", "Hello! ", "Update: "]) + s
    if r.random() < 0.35:
        s = s + r.choice(["\n\nThanks in advance!", " Cheers.", "\n-- " + " ".join(name()), " Any help appreciated.", ""])
    w = r.choice(HARD_WRAPPERS)
    f, l = name()
    if w == "raw":
        return s, r.choice(["text/plain", "text/plain; charset=utf-8"]), w
    if w == "markdown":
        return s, "text/markdown", w
    if w == "json_post":
        return json.dumps({"title": sentence()[:50], "body": s, "tags": r.sample(TAGS, 2), "author_id": r.randint(1, 9999)}), "application/json", w
    if w == "json_comment":
        return json.dumps({"thread_id": uid(), "comment": {"text": s, "author": f"{f} {l}", "created_at": iso()}}), "application/json", w
    if w == "json_chat":
        return json.dumps({"messages": [{"role": "user", "content": s}], "conversation_id": uid()}), "application/json", w
    return urlencode({"name": f"{f} {l}", "email": email(f, l), "message": s}), "application/x-www-form-urlencoded", w


def gen_hard(n):
    out, seen = [], set()
    # every seed at least 3 times (different fills/wrappers), then random
    order = [s for s in HARD_SEEDS for _ in range(3)]
    r.shuffle(order)
    while len(out) < n:
        seed = order.pop() if order else r.choice(HARD_SEEDS)
        body, ct, w = hard_variant(seed)
        if body in seen:
            continue
        seen.add(body)
        out.append({"body": body, "content_type": ct, "family": "benign_hard",
                    "source": f"gen_benign:hard#{HARD_SEEDS.index(seed)}:{w}"})
    return out


def main():
    d = os.path.join(HERE, "benign")
    os.makedirs(d, exist_ok=True)
    for fname, rows in (("benign_normal.jsonl", gen_normal(N_NORMAL)), ("benign_hard.jsonl", gen_hard(N_HARD))):
        with open(os.path.join(d, fname), "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(fname, len(rows))
    print("hard seeds:", len(HARD_SEEDS))


if __name__ == "__main__":
    main()
