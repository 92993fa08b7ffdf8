"""False positives on real technical prose and code: the validator over text nobody here wrote.

    pip install botocore        # (Apache-2.0; its service models are JSON files in the wheel)
    python benchmarks/validator_docs_scan.py [--show block|ask_ai] [--rule PREFIX] [--root PATH]
    python benchmarks/validator_docs_scan.py --code [--show block] ...
    pip install faker && python benchmarks/validator_docs_scan.py --forms [--show ask_ai] ...

botocore ships one JSON model per AWS service API; every shape, operation and member has a
``documentation`` string: HTML rich text written by technical writers, full of code, CLI
examples, quoted values, paths, URLs, regexes and words such as "override", "rules",
"policy" and "prompt" (about 177,000 distinct strings of more than 40 characters in
botocore 1.40). None of it is an attack, so every block is a false positive and every
"ask" an AI call a site would pay for a harmless post. Each string is sent as a JSON body
``{"title": "Docs", "body": <string>}``, as a CMS or forum would receive rich text.

``--code`` reads code as it is pasted into a forum post instead: deterministic 4-14 line
excerpts (seeded) of the programs on this machine (the standard library's Python, shell
scripts in /usr/bin and /usr/sbin, JavaScript under /usr/lib/node_modules, C headers in
/usr/include, SQL under /usr/share, /etc/*.conf), each sent as
``{"title": ..., "body": "I have this code:\\n\\n<excerpt>\\n\\nWhat am I doing wrong?"}`` and
reported per language. What it finds depends on what the machine has installed.

``--forms`` reads everyday form traffic instead: 10,000 JSON bodies of Faker's fake people (25
locales; name, e-mail, address, company, phone, job, a paragraph, URL, user agent, a random
password, IBAN, file path...) and 50,000 random passwords in a login body. These are the
"normal" bodies of the issue: none may be blocked and at most 0.5 % flagged.

Nobody on the project wrote these texts and no rule was written from them before session 10,
which ran this scan and fixed the classes it found (tests/test_validator.py,
TECHNICAL_PROSE). ``--root`` imports smartlayer from another checkout (a ``git worktree`` of
an older revision) to compare. Nothing here is timed against a budget.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import sys
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def documentation_strings() -> list[str]:
    """Every distinct documentation string of more than 40 characters in botocore's models."""
    try:
        import botocore
    except ImportError:
        raise SystemExit("botocore is not installed: pip install botocore") from None
    data = os.path.join(os.path.dirname(botocore.__file__), "data")
    docs: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "documentation" and isinstance(value, str):
                    if len(value) > 40:
                        docs.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for service in sorted(os.listdir(data)):
        service_dir = os.path.join(data, service)
        if not os.path.isdir(service_dir):
            continue
        for version in sorted(os.listdir(service_dir)):
            for name in ("service-2.json", "service-2.json.gz"):
                path = os.path.join(service_dir, version, name)
                if os.path.exists(path):
                    opener: Any = gzip.open if name.endswith(".gz") else open
                    with opener(path, "rt", encoding="utf-8") as fh:
                        walk(json.load(fh))
    return sorted(docs)


def code_excerpts() -> list[tuple[str, str]]:
    """(language, excerpt) pairs from the programs on this machine; the same on the same machine."""
    import glob
    import random

    rng = random.Random(7)
    found: list[tuple[str, str]] = []

    def take(paths: list[str], lang: str, limit: int) -> None:
        paths = sorted(paths)
        rng.shuffle(paths)
        for path in paths[:limit]:
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    lines = fh.read().splitlines()
            except OSError:
                continue
            if len(lines) < 6:
                continue
            for _ in range(3):
                start = rng.randrange(0, max(1, len(lines) - 4))
                excerpt = "\n".join(lines[start : start + rng.randint(4, 14)]).strip()
                if len(excerpt) > 40:
                    found.append((lang, excerpt))

    def scripts(dirs: tuple[str, ...]) -> list[str]:
        out = []
        for d in dirs:
            for path in glob.glob(d + "/*"):
                try:
                    with open(path, "rb") as fh:
                        first = fh.readline()
                except OSError:
                    continue
                if first.startswith(b"#!") and b"sh" in first:
                    out.append(path)
        return out

    stdlib = os.path.dirname(os.__file__)
    take(glob.glob(stdlib + "/*.py") + glob.glob(stdlib + "/*/*.py"), "python", 1500)
    take(scripts(("/usr/bin", "/usr/sbin", "/etc/init.d")), "shell", 800)
    take(glob.glob("/usr/lib/node_modules/**/*.js", recursive=True), "js", 1500)
    take(glob.glob("/usr/include/**/*.h", recursive=True), "c", 800)
    take(glob.glob("/usr/share/**/*.sql", recursive=True), "sql", 300)
    take(glob.glob("/etc/**/*.conf", recursive=True), "conf", 500)
    return found


def scan_code(validator: Any, show: str | None, rule: str) -> None:
    excerpts = code_excerpts()
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    langs: collections.Counter[str] = collections.Counter()
    rules: collections.Counter[tuple[str, str]] = collections.Counter()
    for lang, excerpt in excerpts:
        body = json.dumps(
            {
                "title": "Help with my code",
                "body": f"I have this code:\n\n{excerpt}\n\nWhat am I doing wrong?",
            }
        )
        found = validator.inspect(body, "application/json")
        langs[lang] += 1
        counts[(lang, found.verdict)] += 1
        if found.verdict == "block":
            for name in found.rules:
                rules[(lang, name)] += 1
        if found.verdict == show and any(r.startswith(rule) for r in found.rules):
            print(f"--- {lang} {found.verdict} {found.score} {', '.join(found.rules)}\n{excerpt[:800]}")
    print(f"\nsmartlayer from {validator.__file__}\n")
    print("| language | excerpts | ask_ai % | block % |\n|---|---:|---:|---:|")
    for lang, n in langs.most_common():
        ask, block = (100 * counts[(lang, verdict)] / n for verdict in ("ask_ai", "block"))
        print(f"| {lang} | {n} | {ask:.1f} | {block:.1f} |")
    print("\n| language | rule (blocked excerpts) | excerpts |\n|---|---|---:|")
    for (lang, name), n in rules.most_common(20):
        print(f"| {lang} | {name} | {n} |")


_LOCALES = [
    "en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT", "pt_BR", "nl_NL", "pl_PL", "ru_RU", "ja_JP",
    "zh_CN", "ko_KR", "ar_AA", "hi_IN", "tr_TR", "sv_SE", "cs_CZ", "el_GR", "he_IL", "ga_IE", "uk_UA",
    "vi_VN", "th_TH", "fa_IR",
]  # fmt: skip


def scan_forms(validator: Any, show: str | None, rule: str) -> None:
    try:
        from faker import Faker
    except ImportError:
        raise SystemExit("faker is not installed: pip install faker") from None
    rows: list[tuple[str, str]] = []
    for locale in _LOCALES:
        fake = Faker(locale)
        fake.seed_instance(1)
        for _ in range(400):
            body = {
                "name": fake.name(), "email": fake.email(), "address": fake.address(),
                "company": fake.company(),
                "phone": fake.phone_number(), "job": fake.job(), "text": fake.text(max_nb_chars=300),
                "url": fake.url(), "user_agent": fake.user_agent(), "password": fake.password(length=14),
                "iban": fake.iban(), "slogan": fake.catch_phrase(), "file": fake.file_path(depth=3),
                "ipv6": fake.ipv6(), "color": fake.color_name(), "sentence": fake.sentence(),
            }  # fmt: skip
            rows.append(("profile", json.dumps(body, ensure_ascii=False)))
    fake = Faker()
    fake.seed_instance(3)
    for _ in range(50000):
        password = fake.password(length=fake.random_int(8, 20))
        rows.append(("password", json.dumps({"username": "jdoe", "password": password})))
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    rules: collections.Counter[tuple[str, str, tuple[str, ...]]] = collections.Counter()
    for kind, body in rows:
        found = validator.inspect(body, "application/json")
        kinds[kind] += 1
        counts[(kind, found.verdict)] += 1
        if found.verdict != "allow":
            rules[(kind, found.verdict, found.rules)] += 1
            if found.verdict == show and any(r.startswith(rule) for r in found.rules):
                print(f"--- {kind} {found.verdict} {', '.join(found.rules)}\n    {body[:600]}")
    print(f"\nsmartlayer from {validator.__file__}\n")
    print("| bodies | n | flagged % | blocked % |\n|---|---:|---:|---:|")
    for kind, n in kinds.items():
        flagged = 100 * (counts[(kind, "ask_ai")] + counts[(kind, "block")]) / n
        print(f"| {kind} | {n} | {flagged:.2f} | {100 * counts[(kind, 'block')] / n:.3f} |")
    print("\n| bodies | verdict | rules | n |\n|---|---|---|---:|")
    for (kind, verdict, names), n in rules.most_common(15):
        print(f"| {kind} | {verdict} | {', '.join(names)} | {n} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", choices=("block", "ask_ai"), help="print the texts with this verdict")
    parser.add_argument("--rule", default="", help="with --show: only texts where a rule starting so fired")
    parser.add_argument("--root", default=ROOT, help="the checkout to import smartlayer from")
    parser.add_argument("--code", action="store_true", help="this machine's programs instead")
    parser.add_argument("--forms", action="store_true", help="Faker's form bodies and passwords instead")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.abspath(args.root))
    from smartlayer import validator

    if args.code:
        scan_code(validator, args.show, args.rule)
        return 0
    if args.forms:
        scan_forms(validator, args.show, args.rule)
        return 0

    docs = documentation_strings()
    verdicts: collections.Counter[str] = collections.Counter()
    rules: collections.Counter[tuple[str, str]] = collections.Counter()
    shown = 0
    started = time.perf_counter()
    for doc in docs:
        found = validator.inspect(json.dumps({"title": "Docs", "body": doc}), "application/json")
        verdicts[found.verdict] += 1
        if found.verdict == "allow":
            continue
        for rule in found.rules:
            rules[(found.verdict, rule)] += 1
        if found.verdict == args.show and any(r.startswith(args.rule) for r in found.rules):
            shown += 1
            text = " ".join(doc.split())[:600]
            print(f"--- {found.verdict} {found.score} {', '.join(found.rules)}\n    {text}")
    took = time.perf_counter() - started
    print(f"\nsmartlayer from {validator.__file__}")
    print(f"{len(docs)} documentation strings, {took:.0f} s\n")
    print("| verdict | strings | % |\n|---|---:|---:|")
    for verdict in ("allow", "ask_ai", "block"):
        print(f"| {verdict} | {verdicts[verdict]} | {100 * verdicts[verdict] / max(1, len(docs)):.3f} |")
    print("\n| verdict | rule | strings |\n|---|---|---:|")
    for (verdict, rule), n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))[:30]:
        print(f"| {verdict} | {rule} | {n} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
