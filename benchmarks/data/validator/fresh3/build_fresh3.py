#!/usr/bin/env python3
"""Build the FRESH3 check set: SQLi / XSS / path traversal / command injection payloads and hard
benign inputs from two public repositories that no other split of this corpus uses.

    python fresh3/build_fresh3.py     # run from benchmarks/data/validator/ (or anywhere)

Reads  fresh3/raw/attacks_collected.jsonl      {"payload", "family", "source"}
       fresh3/raw/benign_hard_collected.jsonl  {"text", "source"}
Writes fresh3/attacks_{sqli,xss,traversal,cmdi}.jsonl and fresh3/benign_hard.jsonl (same fields as
dev/; attack rows also carry "encoded", see below). Standard library only, no randomness: the same
raw files always give the same output. It is a check set: do not train or tune rules on it.

HOW raw/ WAS MADE (not by this script). There was no network access to GitHub; every file below was
read through a code index (read_file, 16 000 characters a page) and the page text was copied
verbatim. A page was used only if the copy has exactly the length the index reported (the whole
file, or 16 000 for a page cut by the page limit); where it did not, the mismatch was located by
re-reading at other offsets and only the lines in stretches that line up on both sides were kept
(the lost characters are invisible ones: bidi overrides, C1 mojibake bytes, long runs of the same
character). raw/ holds every non-empty, non-"#" line of the kept stretches, in file order, minus the
last line of a page cut mid-line. Nothing was selected by running the validator.

client9/libinjection (BSD-3-Clause, COPYING @ 6f31b5ba), folder data/. data/README.md @ 699775c7 says
every sqli-*.txt line "should generate a sqli match (with a few outliers)" and false_positives.txt
holds inputs once falsely flagged as SQLi. Lines are in the "URL-encoded user input as in a query
string" form of the README and are kept as written (not decoded).
  sqli  sqli-misc.txt @ 07f4994c, sqli-phpids.txt @ 699775c7, sqli-rsalgado-bhusa2013.txt @ 16f2fbd3,
        sqli-rsalgado-bhusa213.txt @ bc67babe, sqli-mysql-implicit.txt @ 154cee3d,
        sqli-arithmetic_variations.txt @ 699775c7, sqli-arithmetic_blind_sqli.txt @ 699775c7,
        sqli-edb-17934.txt @ 699775c7, sqli-github-125.txt @ 98be0b1f, sqli-ibm.txt @ e48ea238,
        sqli-@ru_raz0-20160705.txt @ 1442950c (all whole files); sqli-forums.txt @ 154cee3d
        (first 16 000 of 1 384 419 chars).
  xss   xss-html5secorg.txt @ 1e88df50 (both pages), xss-owasp-cheatsheet-20131120.txt @ 1e88df50,
        xss-smoke-test.txt @ b683bb29, xss-soaj1664ashar.txt @ 7810055e (offsets 1480-2300, 5 lines,
        dropped: a bidi-override character), xss-soaj1664ashar-396307604734881792.txt @ 92b30f32,
        xss-unknown-pastebin-TVH8t5bQ.txt @ e1968711, xss-soaj1664ashar-pastebin-u6FY1xDA.txt @
        03e4df36 (whole files); xss-xenotix.txt @ 00df80ce (first 16 000 of 80 295).
  benign false_positives.txt @ 0505bdbd (whole file; offsets 6624-7057, the keyboard-mash
        "LLLL...;;LK" line, dropped).
  Read, not used: sqli-fullqueries.txt @ a34ac03d (whole SELECT statements, headed "Frequently not
  SQLi": not an injection into a value, so neither attack nor benign); sqli-wordpress_rbarnett.txt
  @ 05dcd3ef (page copy could not be made exact); sqli-hackers.txt @ 1a0156da and xss-shazzer.txt @
  525b0b65 (first pages read: URL-encoded repeats of sqli-misc.txt lines, and a one-character-at-a-time
  fuzzing enumeration of ~20 vectors); the other xss-soaj1664ashar-*.txt tweets (their lines are in
  xss-soaj1664ashar.txt).

danielmiessler/SecLists (MIT, LICENSE @ 77de042b), folder Fuzzing/ (the sqlmap-risk-classified/
folder is sqlmap's payloads, already in this corpus, and was not read).
  sqli  SQLi/Generic-SQLi.txt @ 2c5285d7 (offsets 2632-4060 and 5118-end dropped: invisible mojibake
        characters), SQLi/safe-SQLi-payloads.txt @ 99a4269a, Databases/SQLi/quick-SQLi.txt @ f5db82f8,
        Databases/SQLi/sqli.auth.bypass.txt @ f5db82f8, Databases/SQLi/MSSQL.fuzzdb.txt @ f5db82f8,
        Databases/SQLi/MySQL-SQLi-Login-Bypass.fuzzdb.txt @ 9c8c23fb, Databases/SQLi/SQLi-Polyglots.txt
        @ 0817390c (third line dropped: invisible character), Polyglots/SQLi_Polyglots.txt @ 492ab735,
        Databases/Oracle.fuzzdb.txt @ 2e5e4abb (whole files). Databases/SQLi/Generic-SQLi.txt @
        07fe6cea was read: it is SQLi/Generic-SQLi.txt without its last 4 lines, so it adds nothing.
  xss   URI-XSS.fuzzdb.txt @ a65f6bd6, BRUTELOGIC_XSS_CHEATSHEET.txt @ 601038eb,
        Polyglots/XSS_Polyglots.txt @ 44d69f46, XSS/robot-friendly/XSS-Somdev.txt @ a640d292,
        XSS/robot-friendly/xss-without-parentheses-semi-colons-portswigger.txt @ e1442fae (whole files);
        XSS/robot-friendly/XSS-Jhaddix.txt @ ab07b3d5 (first 16 000 of 19 064);
        XSS/robot-friendly/XSS-OFJAAAH.txt @ 3cbbb9c7 (first 16 000 of 200 382; offsets 6500-9000
        dropped). HTML5sec-Injections-Jhaddix.txt @ 2e5e4abb was read but not used: its page copy
        could not be made exact and it is the same html5sec.org vector set as libinjection's
        xss-html5secorg.txt. The other Fuzzing/XSS/ lists were not read.
  traversal LFI/LFI-Jhaddix.txt @ 122cc78a (first 16 000 of 32 619), LFI/LFI-gracefulsecurity-linux.txt
        @ 294ee04a (first 16 000 of 22 812), LFI/LFI-gracefulsecurity-windows.txt @ 67c6fc67 (whole).
        The gracefulsecurity lists (and part of LFI-Jhaddix) are bare absolute paths (/etc/passwd,
        C:/boot.ini, ~/.ssh/id_rsa): kept as traversal probes, as their authors list them.
  cmdi  COMMIX-INJECT-HERE.txt @ 25d4ac44 (first 16 000 of 940 100; commix's generated
        "echo TOKEN$((a+b))$(echo TOKEN)TOKEN" probes with separators/quotes). The index holds no
        Fuzzing/command-injection-commix.txt.
  mixed UnixAttacks.fuzzdb.txt @ 008f128a, Windows-Attacks.fuzzdb.txt @ 24598488 (whole files): fuzzdb
        lists mixing all kinds of input; each line gets the family build_attacks.classify_generic gives
        it (the rule that already classifies the mixed wfuzz All_attack.txt list); unmatched lines are
        dropped.

CLEANING (this script), in this order, attacks first, then benign:
  1. mixed lists: family = classify_generic(line), else dropped ("unclassified").
  2. fill the lists' own placeholders (FILL below; the older sources got the same treatment in
     build_attacks.py): __TIME__ -> 5, {yourhost} / <yourservername> -> evil.example.com,
     <username> -> admin, <user-fieldname> -> username, <pass-fieldname> -> password; the one
     MySQL-SQLi-Login-Bypass line that carries a tab-separated description is cut at the tab.
  3. strip spaces at both ends (not for cmdi), as build_attacks.py does; drop build_attacks.is_junk
     (shorter than 3, bare word/number like `admin`/`1.0`, or < 6 chars without letter/digit).
     Benign texts are kept as written; dropped only if shorter than 3 or a single [A-Za-z0-9_] word.
  4. drop NOT_PAYLOAD lines: prose, shell helpers and base64 continuation lines of the cheat sheets.
  5. drop anything already in the corpus: every payload/body/text of every .jsonl under
     benchmarks/data/validator/ outside fresh3/ (dev, holdout, attacks, benign, fresh, fresh2, extra,
     raw/ dirs included) and attacks/*.txt lines, compared exact, lowercased with collapsed
     whitespace, and (for texts with %XX escapes) also after one urllib unquote_plus.
  6. drop near copies: texts of >= 10 words whose word-5-gram Jaccard with an older text, or with a
     text already kept here, is >= 0.5 (the NearDup criterion of extra/build_extra.py). Shorter
     payloads are left to step 5: \\w+ words ignore punctuation, which is what tells short injection
     payloads apart (`' or 1=1--` vs `" or 1=1#`).
  7. drop duplicates inside fresh3 (same keys as step 5; first row in raw order wins; a benign text
     equal to a fresh3 attack is dropped as a conflict).
  8. cap: at most CAP rows per family and source repository, the CAP with the lowest
     sha256(payload), kept in raw order.
Carriers: make_splits.carrier for attacks (same as dev/holdout), hard_wrap of fresh/build_fresh.py
for benign. "encoded" = build_attacks.ENCODING_RE matches (the old corpus moved such payloads into an
`encoding` family; here they keep their list's family and are only flagged).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from urllib.parse import unquote_plus

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the data dirs
sys.path.insert(0, DATA)
sys.path.insert(0, os.path.join(DATA, "fresh"))
sys.path.insert(0, os.path.join(DATA, "extra"))
from build_extra import NearDup  # noqa: E402  (word 5-gram Jaccard >= 0.5)
from build_attacks import ENCODING_RE, classify_generic, is_junk  # noqa: E402
from build_fresh import hard_wrap  # noqa: E402
from make_splits import carrier  # noqa: E402

CAP = 400
FAMILIES = ("sqli", "xss", "traversal", "cmdi")
MIN_WORDS_NEAR = 10
FILL = (("__TIME__", "5"), ("{yourhost}", "evil.example.com"), ("<yourservername>", "evil.example.com"),
        ("<username>", "admin"), ("<user-fieldname>", "username"), ("<pass-fieldname>", "password"))
TAB_DESCRIBED = "danielmiessler/SecLists:Fuzzing/Databases/SQLi/MySQL-SQLi-Login-Bypass.fuzzdb.txt"

# Lines of the lists that are not payloads (step 4), with the reason.
NOT_PAYLOAD = {
    # html5sec.org test numbers with no vector yet
    "test 100 TBD", "test 101 TBD", "test 131 TBD Drag and Drop http://html5sec.org/#131",
    # BruteLogic cheat sheet: notes, shell one-liners for the attacker's side, a PHP header line,
    # a usage URL and base64 continuation lines of a multi-line payload
    "[S] = stripped char or string",
    '$ while :; do printf "j$ "; read c; echo $c | nc -lp PORT >/dev/null; done',
    "$ exiftool -Artist='\"><img src=1 onerror=alert(1)>' FILENAME.jpeg",
    '$ while:; do echo "alert(1)" | nc -lp80; done',
    "<?php header(\u201cAccess-Control-Allow-Origin: *\u201d); ?>",
    "http://DOMAIN/WP-ROOT/wp-content/plugins/akismet/index.php?brute=CMD",
    "& => %26 , # => %23 , + => %2B",
    "X3dwbm9uY2U9JysvY2UiIHZhbHVlPSIoW14iXSo/KSIvLmV4ZWMoeC",
    "Qp4LnNlbmQoJCk=",
    # XSS-OFJAAAH: plain caption text
    "On Mouse Over",
}


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def keys(s: str) -> set[str]:
    k = {s, norm(s)}
    if re.search(r"%[0-9A-Fa-f]{2}", s):
        k.add(norm(unquote_plus(s)))
    return k


def sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogateescape")).hexdigest()


def jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def old_texts(skip: str = HERE) -> list[str]:
    """Every payload, body and text of the data sets outside ``skip`` (the set being built)."""
    out: list[str] = []
    for root, _dirs, files in os.walk(DATA):
        if os.path.abspath(root).startswith(skip):
            continue
        for name in sorted(files):
            fn = os.path.join(root, name)
            if name.endswith(".jsonl"):
                for row in jsonl(fn):
                    out += [row[k] for k in ("payload", "body", "text") if isinstance(row.get(k), str)]
            elif name.endswith(".txt") and os.path.basename(root) == "attacks":
                with open(fn, encoding="utf-8") as fh:
                    out += [line.rstrip("\n") for line in fh]
    return out


def long_enough(t: str) -> bool:
    return len(re.findall(r"\w+", t)) >= MIN_WORDS_NEAR


def main() -> None:
    old = old_texts()
    old_keys: set[str] = set()
    for t in old:
        old_keys |= keys(t)
    near_old = NearDup(t for t in set(old) if long_enough(t))
    near_new = NearDup()
    seen: set[str] = set()
    stats: dict[tuple, dict[str, int]] = {}

    def stat(fam: str, src: str, what: str) -> None:
        d = stats.setdefault((fam, src), {})
        d[what] = d.get(what, 0) + 1

    def is_dup(t: str, fam: str, src: str) -> bool:
        k = keys(t)
        if k & old_keys:
            stat(fam, src, "dup_old")
            return True
        if long_enough(t) and near_old(t):
            stat(fam, src, "near_old")
            return True
        if k & seen:
            stat(fam, src, "dup_new")
            return True
        if long_enough(t) and near_new(t):
            stat(fam, src, "near_new")
            return True
        return False

    # ---------------------------------------------------------------- attacks
    cand: list[tuple[str, str, str]] = []  # (family, payload, source)
    for row in jsonl(os.path.join(HERE, "raw", "attacks_collected.jsonl")):
        p, fam, src = row["payload"], row["family"], row["source"]
        if fam == "mixed":
            fam = classify_generic(p)
            if fam is None:
                stat("mixed", src, "unclassified")
                continue
        stat(fam, src, "read")
        for a, b in FILL:
            p = p.replace(a, b)
        if src == TAB_DESCRIBED and "\t" in p:
            p = p.split("\t", 1)[0]
        if fam != "cmdi":
            p = p.strip(" ")
        if is_junk(p):
            stat(fam, src, "junk")
            continue
        if p in NOT_PAYLOAD:
            stat(fam, src, "not_payload")
            continue
        if is_dup(p, fam, src):
            continue
        seen.update(keys(p))
        if long_enough(p):
            near_new.add(p)
        cand.append((fam, p, src))
    # cap per family and repository
    chosen: set[tuple[str, str]] = set()
    groups: dict[tuple[str, str], list[str]] = {}
    for fam, p, src in cand:
        groups.setdefault((fam, src.split(":", 1)[0]), []).append(p)
    for (fam, _repo), ps in groups.items():
        chosen.update((fam, p) for p in sorted(ps, key=sha)[:CAP])
    out: dict[str, list[dict]] = {f: [] for f in FAMILIES}
    for fam, p, src in cand:
        if (fam, p) not in chosen:
            stat(fam, src, "capped")
            continue
        stat(fam, src, "kept")
        body, ct, carr = carrier(p, fam)
        out[fam].append({"body": body, "content_type": ct, "family": fam, "source": src,
                         "payload": p, "carrier": carr, "encoded": bool(ENCODING_RE.search(p))})
    attack_keys: set[str] = set()
    for rows in out.values():
        for r in rows:
            attack_keys |= keys(r["payload"])

    # ---------------------------------------------------------------- benign
    bcand: list[tuple[str, str]] = []
    for row in jsonl(os.path.join(HERE, "raw", "benign_hard_collected.jsonl")):
        t, src = row["text"], row["source"]
        stat("benign_hard", src, "read")
        if len(t.strip()) < 3 or re.fullmatch(r"\w+", t.strip(), re.ASCII):
            stat("benign_hard", src, "junk")
            continue
        if keys(t) & attack_keys:
            stat("benign_hard", src, "conflict")
            continue
        if is_dup(t, "benign_hard", src):
            continue
        seen.update(keys(t))
        bcand.append((t, src))
    bchosen = set(sorted((t for t, _ in bcand), key=sha)[:CAP])
    benign = []
    for t, src in bcand:
        if t not in bchosen:
            stat("benign_hard", src, "capped")
            continue
        stat("benign_hard", src, "kept")
        body, ct, w = hard_wrap(t)
        benign.append({"body": body, "content_type": ct, "family": "benign_hard", "source": f"{src}:{w}"})

    # ---------------------------------------------------------------- write + report
    for fam in FAMILIES:
        with open(os.path.join(HERE, f"attacks_{fam}.jsonl"), "w", encoding="utf-8") as fh:
            for r in out[fam]:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "benign_hard.jsonl"), "w", encoding="utf-8") as fh:
        for r in benign:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    cols = ("read", "junk", "not_payload", "dup_old", "near_old", "dup_new", "near_new", "conflict",
            "capped", "kept")
    print(f"{'family':12s} {'source':88s} " + " ".join(f"{c[:8]:>8s}" for c in cols))
    for (fam, src), d in sorted(stats.items()):
        if fam == "mixed":
            print(f"{fam:12s} {src:88s} unclassified {d.get('unclassified', 0)}")
            continue
        print(f"{fam:12s} {src:88s} " + " ".join(f"{d.get(c, 0):8d}" for c in cols))
    for fam in FAMILIES:
        by: dict[str, int] = {}
        for r in out[fam]:
            repo = r["source"].split(":", 1)[0]
            by[repo] = by.get(repo, 0) + 1
        enc = sum(r["encoded"] for r in out[fam])
        print(f"attacks_{fam:10s} {len(out[fam]):4d}  {by}  encoded={enc}")
    print(f"benign_hard        {len(benign):4d}")


if __name__ == "__main__":
    main()
