#!/usr/bin/env python3
"""Build the FRESH4 check set from the OWASP Core Rule Set (CRS) regression tests: SQL injection, XSS,
path traversal and command injection payloads, plus "hard benign" inputs that CRS keeps as
false-positive checks. The CRS authors wrote these tests against their own rules, not ours.

    python fresh4/build_fresh4.py     # run from benchmarks/data/validator/ (or anywhere)

Reads  fresh4/raw/REQUEST-9xx-*/<rule>.yaml   the CRS test files, saved verbatim (see raw/MANIFEST.json)
       fresh4/raw/rules/*.paranoia.tsv         rule id -> paranoia level, read from the CRS .conf files
Writes fresh4/attacks_{sqli,xss,traversal,cmdi}.jsonl and fresh4/benign_hard.jsonl. Standard library
plus PyYAML, no randomness, no network: the same raw/ always gives the same output. It is a CHECK set:
whoever writes validator rules must not read its payloads (see SOURCES.md, "Fresh4").

HOW raw/ WAS MADE (not by this script): coreruleset/coreruleset was read through a code index
(read_file, 16 000-character pages) and each page was saved verbatim only when its length matched the
length the index reported. raw/MANIFEST.json lists every file with its commit, its full length and the
length saved (two files are partial, three were read but not saved; the reasons are in the manifest).

WHAT IS EXTRACTED
  * Each test stage has an input (method, uri, headers, data, ...) and an output. A stage whose output
    expects an id of the file's family (942xxx sqli, 941xxx xss, 930xxx traversal, 932xxx cmdi; new
    format `log: {expect_ids: [...]}`, old format `log_contains: id "942100"`) is an ATTACK; a stage
    that only says a rule must not fire (`no_expect_ids`, `no_log_contains`) is a BENIGN candidate.
    Stages with neither (match_regex only, status checks, ids of other families) are skipped.
    Six "must not fire" stages whose input is itself an attack (NOT_BENIGN below) are skipped. A stage that expects the rule to fire but whose description calls it a "known false positive"
    (CRS documents it as a benign text its rule wrongly flags) is a benign candidate too.
  * The payload is taken where the validator looks: the query string (after "?") of `uri` and the body
    `data`. Stages whose input is only in headers, cookies, the URL path or `encoded_request`, and
    multipart bodies, are skipped.
  * Query strings and url-encoded bodies are split on "&" and "=" and URL-decoded once ("+" = space),
    the way the transport delivers them. A piece is "trivial" if it is only [A-Za-z0-9_.-]. One
    non-trivial piece -> that piece is the payload; several -> the whole query / body decoded once;
    none -> attacks keep the whole decoded string, benign candidates are dropped as trivial. A JSON
    body (Content-Type json, or data that parses as a JSON object/array) is not URL-decoded: one
    non-trivial string leaf -> that string, else the whole JSON text. A text/plain or XML body is taken
    as is. "encoded" = the raw text of the payload had %XX escapes.
  * Filters, in order: empty or > 4000 characters; already in the older corpus (every payload / body /
    text of the .jsonl files under benchmarks/data/validator/ outside fresh4/ and attacks/*.txt lines,
    compared exact, lowercased with collapsed whitespace and, for %XX texts, after one unquote_plus;
    same keys as fresh3/build_fresh3.py); near copies of older texts (>= 10 words, word 5-gram Jaccard
    >= 0.5, extra/build_extra.NearDup); exact or near duplicates inside the family (first test in file
    order wins). Benign candidates are also dropped when the same payload is an attack in any family
    of fresh4 (CRS often says "rule X must not fire" for an attack that rule Y catches), and when they
    are a single \\w+ word (as fresh3 does).
  * rule_id = the file's rule if the stage expects it, else the first expected id of the family;
    paranoia = that rule's level from raw/rules/*.paranoia.tsv, or null when the rule is not there.
Carriers as in fresh3: make_splits.carrier for attacks (json_field / json_nested / form / raw, by
hash), except that a payload that is the whole original JSON body keeps that body ("json_original");
fresh/build_fresh.hard_wrap for benign.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import sys
from urllib.parse import unquote_plus

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
RAW = os.path.join(HERE, "raw")
sys.dont_write_bytecode = True  # no __pycache__ in the data dirs
sys.path.insert(0, DATA)
sys.path.insert(0, os.path.join(DATA, "fresh"))
sys.path.insert(0, os.path.join(DATA, "extra"))
sys.path.insert(0, os.path.join(DATA, "fresh3"))
from build_extra import NearDup  # noqa: E402  (word 5-gram Jaccard >= 0.5)
from build_fresh import hard_wrap  # noqa: E402
from build_fresh3 import keys, long_enough, old_texts  # noqa: E402
from make_splits import carrier  # noqa: E402

REPO = "coreruleset/coreruleset"
FAMILY_OF_DIR = {
    "REQUEST-942-APPLICATION-ATTACK-SQLI": ("sqli", "942"),
    "REQUEST-941-APPLICATION-ATTACK-XSS": ("xss", "941"),
    "REQUEST-930-APPLICATION-ATTACK-LFI": ("traversal", "930"),
    "REQUEST-932-APPLICATION-ATTACK-RCE": ("cmdi", "932"),
}
FAMILIES = ("sqli", "xss", "traversal", "cmdi")
MAX_LEN = 4000
TRIVIAL = re.compile(r"[A-Za-z0-9_.\-]*")
PCT = re.compile(r"%[0-9A-Fa-f]{2}")
ID_RE = re.compile(r"\bid\s*[\"']?(\d{6})")
KNOWN_FP = re.compile(r"known false positive", re.I)

# "Must not fire" tests whose input is nevertheless an attack, by the test's own description or
# plain reading of the text: CRS keeps them as misses of one rule (another rule, or none, catches
# them). They are neither attack rows (no rule of the family is expected) nor benign rows.
NOT_BENIGN = {
    "942360-29": "sqlmap-style DBMS_LDAP injection; 'GH issue 1816 - Known false positive' of an old 942360",
    "942360-30": "sqlmap-style pg_sleep injection; same test group",
    "942360-31": "sqlmap-style UNION ALL SELECT injection; same test group",
    "942521-15": "desc 'False-negative: Not detected with escapes'",
    "942522-5": "desc 'Negative test: doesn't block normal SQLi'",
    "932150-4": "';tar -xzf ... /etc' after a separator: command injection that 932150 (start of value only) skips",
}


def sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogateescape")).hexdigest()


def paranoia_map() -> dict[str, int]:
    pl: dict[str, int] = {}
    for fn in sorted(glob.glob(os.path.join(RAW, "rules", "*.paranoia.tsv"))):
        with open(fn, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#") or line.startswith("rule_id") or not line.strip():
                    continue
                rid, level = line.split("\t")[:2]
                pl[rid] = int(level)
    return pl


def ids_of(value) -> list[str]:
    """Rule ids of an expect_ids list or a log_contains string."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, int):
        return [str(value)]
    return ID_RE.findall(str(value))


def header(headers: dict | None, name: str) -> str:
    for k, v in (headers or {}).items():
        if str(k).lower() == name:
            return str(v)
    return ""


def nontrivial(s: str) -> bool:
    return not TRIVIAL.fullmatch(s)


def split_form(raw: str) -> list[tuple[str, str]]:
    """[(raw piece, decoded text)] of an url-encoded string; the text of a piece is its value, or its
    name when the value is trivial and the name is not (payloads in argument names)."""
    out = []
    for part in raw.split("&"):
        if part == "":
            continue
        name, eq, value = part.partition("=")
        n, v = unquote_plus(name), unquote_plus(value)
        if not eq:
            out.append((part, n))
        elif nontrivial(v) or not nontrivial(n):
            out.append((value, v))
        else:
            out.append((name, n))
    return out


def json_leaves(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in json_leaves(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in json_leaves(v)]
    return []


def extract(inp: dict) -> tuple[str | None, str, bool, bool]:
    """(payload or None, reason when None / where it came from, encoded, whole_json_body)."""
    if inp.get("encoded_request"):
        return None, "encoded_request", False, False
    uri = str(inp.get("uri") or "/")
    query = uri.split("?", 1)[1].split("#", 1)[0] if "?" in uri else ""
    data = inp.get("data")
    if isinstance(data, list):
        data = "\n".join(str(x) for x in data)
    data = "" if data is None else str(data)
    if data.endswith("\n"):  # YAML block scalars end in a newline that is not part of the test
        data = data[:-1]
    ct = header(inp.get("headers"), "content-type").lower()
    if data and "multipart" in ct:
        return None, "multipart", False, False
    if not query and not data:
        return None, "headers_or_path_only", False, False

    pieces: list[tuple[str, str]] = []  # (raw, decoded)
    wholes: list[tuple[str, str]] = []
    whole_json = False
    if query:
        pieces += split_form(query)
        wholes.append((query, unquote_plus(query)))
    if data:
        parsed = None
        if "json" in ct or data.lstrip()[:1] in ("{", "["):
            try:
                parsed = json.loads(data)
            except ValueError:
                parsed = None
        if parsed is not None and isinstance(parsed, (dict, list)):
            leaves = [s for s in json_leaves(parsed) if nontrivial(s)]
            if len(leaves) == 1 and not query:
                return leaves[0], "json_leaf", False, False
            pieces.append((data, data))
            wholes.append((data, data))
            whole_json = not query
        elif "text/plain" in ct or "xml" in ct:
            pieces.append((data, data))
            wholes.append((data, data))
        else:  # url-encoded form (the default content type of the CRS test runner for POST bodies)
            pieces += split_form(data)
            wholes.append((data, unquote_plus(data)))
    nt = [(r, d) for r, d in pieces if nontrivial(d)]
    if len(nt) == 1:
        raw, text = nt[0]
        return text, "piece", bool(PCT.search(raw)), whole_json and text == data
    raw = "&".join(r for r, _ in wholes)
    text = "&".join(d for _, d in wholes)
    if not nt:
        return text, "trivial", bool(PCT.search(raw)), False
    return text, "whole", bool(PCT.search(raw)), whole_json and text == data


def stages_of(doc: dict, fname: str) -> list[dict]:
    """Flatten both test-file layouts into {title, desc, rule, input, expect, no_expect}."""
    out = []
    file_rule = str(doc.get("rule_id") or fname.split(".")[0].split("-")[0])
    for t in doc.get("tests") or []:
        title = str(t.get("test_title") or f"{file_rule}-{t.get('test_id')}")
        stages = t.get("stages") or []
        for i, st in enumerate(stages):
            st = st.get("stage", st)
            outp = st.get("output") or {}
            log = outp.get("log") or {}
            expect = ids_of(log.get("expect_ids")) + ids_of(outp.get("log_contains"))
            no_expect = (
                ids_of(log.get("no_expect_ids"))
                + ids_of(log.get("no_expectids"))
                + ids_of(outp.get("no_log_contains"))
            )
            out.append(
                {
                    "title": title if len(stages) == 1 else f"{title}/s{i + 1}",
                    "desc": str(t.get("desc") or ""),
                    "rule": file_rule,
                    "input": st.get("input") or {},
                    "expect": expect,
                    "no_expect": no_expect,
                }
            )
    return out


def main() -> None:
    pl = paranoia_map()
    old = old_texts(HERE)
    old_keys: set[str] = set()
    for t in old:
        old_keys |= keys(t)
    near_old = NearDup(t for t in set(old) if long_enough(t))
    stats: dict[str, dict[str, int]] = {}

    def stat(fam: str, what: str, n: int = 1) -> None:
        d = stats.setdefault(fam, {})
        d[what] = d.get(what, 0) + n

    attacks: list[dict] = []
    benign_cand: list[dict] = []
    attack_text: set[str] = set()  # payloads of NOT_BENIGN stages
    for d in sorted(FAMILY_OF_DIR):
        fam, prefix = FAMILY_OF_DIR[d]
        for fn in sorted(glob.glob(os.path.join(RAW, d, "*.yaml"))):
            fname = os.path.basename(fn)
            with open(fn, encoding="utf-8") as fh:
                doc = yaml.safe_load(fh) or {}
            stat(fam, "files")
            for st in stages_of(doc, fname):
                stat(fam, "stages")
                fam_expect = [i for i in st["expect"] if i.startswith(prefix)]
                known_fp = bool(fam_expect) and bool(KNOWN_FP.search(st["desc"]))
                if fam_expect and not known_fp:
                    label = "attack"
                    rule = st["rule"] if st["rule"] in fam_expect else fam_expect[0]
                elif st["no_expect"] or known_fp:
                    label = "benign"
                    rule = st["rule"]
                    if known_fp:
                        stat(fam, "known_fp_as_benign")
                else:
                    stat(fam, "no_label")
                    continue
                payload, how, encoded, whole_json = extract(st["input"])
                if label == "benign" and st["title"] in NOT_BENIGN:
                    stat(fam, "benign_skip_attack_text")
                    if payload is not None:
                        attack_text.add(payload)
                    continue
                if payload is None:
                    stat(fam, f"{label}_skip_{how}")
                    continue
                if label == "benign" and how == "trivial":
                    stat(fam, "benign_skip_trivial")
                    continue
                row = {
                    "payload": payload,
                    "family": fam,
                    "rule_id": rule,
                    "paranoia": pl.get(rule),
                    "source": f"{REPO}:tests/regression/tests/{d}/{fname}",
                    "file": f"{d}/{fname}",
                    "test_title": st["title"],
                    "expected": label,
                    "encoded": encoded,
                    "whole_json": whole_json,
                }
                (attacks if label == "attack" else benign_cand).append(row)
                stat(fam, f"{label}_candidates")

    # ------------------------------------------------------------------ filters
    def too_long_or_empty(r: dict, tag: str) -> bool:
        p = r["payload"]
        if not p.strip():
            stat(tag, "empty")
            return True
        if len(p) > MAX_LEN:
            stat(tag, "too_long")
            return True
        return False

    def old_dup(r: dict, tag: str) -> bool:
        p = r["payload"]
        if keys(p) & old_keys:
            stat(tag, "dup_old")
            return True
        if long_enough(p) and near_old(p):
            stat(tag, "near_old")
            return True
        return False

    kept: dict[str, list[dict]] = {f: [] for f in FAMILIES}
    seen: dict[str, set[str]] = {f: set() for f in FAMILIES}
    near: dict[str, NearDup] = {f: NearDup() for f in FAMILIES}
    for r in attacks:
        fam = r["family"]
        tag = f"{fam}/attack"
        if too_long_or_empty(r, tag):
            continue
        p = r["payload"]
        if p in seen[fam]:
            stat(tag, "dup_new")
            continue
        if long_enough(p) and near[fam](p):
            stat(tag, "near_new")
            continue
        seen[fam].add(p)
        if long_enough(p):
            near[fam].add(p)
        if old_dup(r, tag):
            continue
        kept[fam].append(r)
    attack_keys: set[str] = set()
    for p in [r["payload"] for r in attacks] + sorted(attack_text):  # every attack text, kept or not
        attack_keys |= keys(p)

    benign: list[dict] = []
    bseen: set[str] = set()
    bnear = NearDup()
    for r in benign_cand:
        tag = f"{r['family']}/benign"
        if too_long_or_empty(r, tag):
            continue
        p = r["payload"]
        if re.fullmatch(r"\w+", p.strip(), re.ASCII):
            stat(tag, "single_word")
            continue
        if keys(p) & attack_keys:
            stat(tag, "conflict_attack")
            continue
        if p in bseen:
            stat(tag, "dup_new")
            continue
        if long_enough(p) and bnear(p):
            stat(tag, "near_new")
            continue
        bseen.add(p)
        if long_enough(p):
            bnear.add(p)
        if old_dup(r, tag):
            continue
        benign.append(r)

    # ------------------------------------------------------------------ rows
    common = ("family", "source", "payload", "rule_id", "paranoia", "test_title", "expected", "encoded")
    out: dict[str, list[dict]] = {f: [] for f in FAMILIES}
    for fam in FAMILIES:
        for r in kept[fam]:
            if r["whole_json"]:
                body, ct, carr = r["payload"], "application/json", "json_original"
            else:
                body, ct, carr = carrier(r["payload"], fam)
            row = {"body": body, "content_type": ct, "carrier": carr}
            row.update({k: r[k] for k in common})
            out[fam].append(row)
            stat(f"{fam}/attack", "kept")
    brows = []
    for r in benign:
        body, ct, w = hard_wrap(r["payload"])
        row = {"body": body, "content_type": ct, "carrier": w}
        row.update({k: r[k] for k in common})
        row["crs_family"] = row["family"]
        row["family"] = "benign_hard"
        brows.append(row)
        stat(f"{r['family']}/benign", "kept")

    for fam in FAMILIES:
        with open(os.path.join(HERE, f"attacks_{fam}.jsonl"), "w", encoding="utf-8") as fh:
            for row in out[fam]:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "benign_hard.jsonl"), "w", encoding="utf-8") as fh:
        for row in brows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    # ------------------------------------------------------------------ report (counts only)
    for k in sorted(stats):
        print(f"{k:18s} " + ", ".join(f"{a}={b}" for a, b in sorted(stats[k].items())))
    for fam in FAMILIES:
        by_pl: dict[str, int] = {}
        for row in out[fam]:
            by_pl[str(row["paranoia"])] = by_pl.get(str(row["paranoia"]), 0) + 1
        enc = sum(row["encoded"] for row in out[fam])
        carr: dict[str, int] = {}
        for row in out[fam]:
            carr[row["carrier"]] = carr.get(row["carrier"], 0) + 1
        print(
            f"attacks_{fam:10s} {len(out[fam]):4d}  paranoia={dict(sorted(by_pl.items()))}  encoded={enc}  carriers={carr}"
        )
    by: dict[str, int] = {}
    for row in brows:
        key = f"{row['crs_family']}/PL{row['paranoia']}"
        by[key] = by.get(key, 0) + 1
    print(f"benign_hard        {len(brows):4d}  {dict(sorted(by.items()))}")


if __name__ == "__main__":
    main()
