"""Build a corpus of real human prose, nobody on this project wrote, as negatives for the
prompt-injection model (benchmarks/pi_model/train.py).

    python benchmarks/pi_model/build_negatives.py [--out /tmp/pi_model/local_prose.jsonl]

Reads text that ships on this machine: /usr/share/doc (READMEs, NEWS, changelogs, copyright
and licence texts, HTML manuals), man pages (English and other languages), docstrings of the
Python standard library and of installed packages, and the METADATA / README files of
installed distributions. Technical docs are full of imperatives addressed to the reader
("ignore this warning", "you must set the system ...", "follow these instructions"): the
hard negatives a model of prompt-injection intent must learn to leave alone.

Each paragraph becomes one row ``{"text", "source", "split"}``; ``split`` is ``train`` or
``heldout``, drawn from the hash of the source *file* (so held-out paragraphs come from
documents the model never saw). Deterministic for a given set of files on disk (files are
walked in sorted order; sampling uses hashes, not random). The repository itself (/work) is
never read, nor anything about prompt injection: a file whose text names a known
prompt-injection source (garak, promptwl, llm-guard, ...) is skipped.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import html
import json
import os
import re
import sys
import warnings

PER_FILE = 40  # paragraphs kept per file (by hash order), so no document dominates
MAX_CHARS = 1500
HELDOUT = 0.2
LONG_PER_FILE = 2  # multi-paragraph "long" rows per held-out file (for long-text evaluation)

EXCLUDE_WORDS = re.compile(
    r"garak|promptwl|llm[-_ ]guard|langkit|rebuff|bipia|vigil|gandalf|prompt injection|jailbreak",
    re.IGNORECASE,
)
ROOTS_DOC = ["/usr/share/doc"]
ROOT_MAN = "/usr/share/man"
MAN_LANGS_OTHER_CAP = 400  # man pages per non-English language


def h(s: str) -> int:
    return int(hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()[:8], 16)


_WS = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


def clean_para(p: str) -> str | None:
    p = _WS.sub(" ", p).strip()
    p = re.sub(r"^(?:[#>*\-+=|]+\s*)+", "", p)
    if len(p) > MAX_CHARS:
        cut = p.rfind(". ", 0, MAX_CHARS)
        p = p[: cut + 1] if cut > 200 else p[:MAX_CHARS]
    words = p.split()
    if len(words) < 6:
        return None
    letters = len(_LETTER.findall(p))
    if letters < 0.6 * len(p.replace(" ", "")):
        return None
    return p


def paragraphs(text: str) -> list[str]:
    out = []
    for para in re.split(r"\n\s*\n", text):
        c = clean_para(para)
        if c:
            out.append(c)
    return out


_TAG = re.compile(r"<[^>]{0,2000}>")


def strip_html(text: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"(?i)</?(p|div|br|li|h\d|pre|tr|table|dd|dt)\b[^>]*>", "\n\n", text)
    return html.unescape(_TAG.sub(" ", text))


def strip_roff(text: str) -> str:
    out = []
    for line in text.splitlines():
        if line.startswith(("'", '.\\"', "'\\\"")):
            continue
        if line.startswith("."):
            m = re.match(
                r"\.(?:B|I|BI|BR|IR|RB|RI|IB|SM|SB|Nm|Ar|Fl|Cm|Pa|Em|Sy|Dq|Qq|Sq|Ql|Xr)\s+(.*)", line
            )
            if m:
                out.append(m.group(1).replace('"', ""))
                continue
            if re.match(r"\.(PP|P|LP|SH|SS|TP|IP|HP|Sh|Ss|Pp|Bl|El|It|sp|br)\b", line):
                out.append("")
            continue
        out.append(line)
    t = "\n".join(out)
    t = re.sub(r"\\f(?:\[[^\]]*\]|\(..|.)", "", t)
    t = re.sub(
        r"\\\((?:em|en|aq|dq|lq|rq|oq|cq|bu|co|hy)",
        lambda m: {"aq": "'", "dq": '"'}.get(m.group(0)[2:], " "),
        t,
    )
    t = re.sub(r"\\\*(?:\(..|\[[^\]]*\]|.)", "", t)
    t = t.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\").replace("\\ ", " ").replace("\\|", "")
    return t


def read_text(path: str) -> str | None:
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                data = fh.read(400_000)
        else:
            with open(path, "rb") as fh:
                data = fh.read(400_000)
    except OSError:
        return None
    if b"\x00" in data[:4096]:
        return None
    return data.decode("utf-8", "replace")


def docstrings(path: str) -> str | None:
    src = read_text(path)
    if not src:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(src)
    except (SyntaxError, ValueError, RecursionError):
        return None
    parts = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            d = ast.get_docstring(node)
            if d:
                parts.append(d)
    return "\n\n".join(parts)


def walk(root: str):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if dirpath.startswith("/work") or "/__pycache__" in dirpath:
            dirnames[:] = []
            continue
        for fn in sorted(filenames):
            yield os.path.join(dirpath, fn)


def sources():
    """(kind, path, text) for every file read, in a fixed order."""
    for root in ROOTS_DOC:
        for path in walk(root):
            low = path.lower()
            base = os.path.basename(low)
            if low.endswith((".html", ".htm", ".html.gz")):
                t = read_text(path)
                yield "doc-html", path, strip_html(t) if t else None
            elif low.endswith((".txt", ".md", ".rst", ".txt.gz", ".md.gz", ".rst.gz")) or base.startswith(
                ("readme", "news", "changelog", "copyright", "authors", "thanks", "faq", "todo", "bugs")
            ):
                yield "doc", path, read_text(path)
    man_langs: dict[str, int] = {}
    for path in walk(ROOT_MAN):
        rel = os.path.relpath(path, ROOT_MAN)
        lang = rel.split("/")[0]
        if not lang.startswith("man"):
            n = man_langs.get(lang, 0)
            if n >= MAN_LANGS_OTHER_CAP or h("man:" + rel) % 4:  # a quarter of each language
                continue
            man_langs[lang] = n + 1
        elif lang not in ("man1", "man5", "man7", "man8") and h("man:" + rel) % 3:
            continue  # section 2/3 (C API) is huge and repetitive: a third of it
        t = read_text(path)
        yield ("man" if lang.startswith("man") else "man-" + lang), path, strip_roff(t) if t else None
    py_roots = sorted(
        {
            os.path.dirname(os.__file__),
            "/usr/lib/python3.11",
            "/usr/lib/python3/dist-packages",
            os.path.join(
                sys.prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}", "site-packages"
            ),
        }
    )
    seen_real = set()
    for root in py_roots:
        real = os.path.realpath(root)
        if real in seen_real or not os.path.isdir(root):
            continue
        seen_real.add(real)
        for path in walk(root):
            low = path.lower()
            base = os.path.basename(low)
            if "site-packages" in path and (
                "/numpy" in path
                or "/scipy" in path
                or "/sklearn" in path
                or "scikit_learn" in path
                or "threadpoolctl" in path
                or "joblib" in path
            ):
                continue  # installed only to train this model: not part of the machine as found
            if "smartlayer" in low:
                continue
            if low.endswith(".py"):
                if h("py:" + path) % 2:  # half of the modules: plenty, and faster
                    continue
                yield "pydoc", path, docstrings(path)
            elif base in ("metadata", "pkg-info") or (
                low.endswith((".md", ".rst", ".txt")) and "license" not in base
            ):
                if low.endswith(".txt") and (
                    "entry_points" in base
                    or "top_level" in base
                    or "requires" in base
                    or "sources" in base
                    or "dependency_links" in base
                ):
                    continue
                t = read_text(path)
                if t and base in ("metadata", "pkg-info"):
                    t = t.split("\n\n", 1)[1] if "\n\n" in t else ""  # the long description
                yield "pkgdoc", path, t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/pi_model/local_prose.jsonl")
    args = ap.parse_args(argv)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    seen: set[str] = set()
    counts: dict[str, list[int]] = {}
    files = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for kind, path, text in sources():
            if not text or EXCLUDE_WORDS.search(text):
                continue
            paras = paragraphs(text)
            if not paras:
                continue
            files += 1
            split = "heldout" if h("file:" + path) < HELDOUT * 2**32 else "train"
            fresh = []
            for p in paras:
                key = _WS.sub(" ", p.lower())
                if key in seen:
                    continue
                seen.add(key)
                fresh.append(p)
            keep = sorted(fresh, key=lambda p: h("para:" + p))[:PER_FILE]
            keep_set = set(keep)
            keep = [p for p in fresh if p in keep_set]  # document order
            for p in keep:
                out.write(
                    json.dumps({"text": p, "source": f"{kind}:{path}", "split": split}, ensure_ascii=False)
                    + "\n"
                )
            c = counts.setdefault(f"{kind}/{split}", [0, 0])
            c[0] += len(keep)
            c[1] += 1
            if split == "heldout" and len(keep) >= 4:
                for i in range(min(LONG_PER_FILE, len(keep) // 4)):
                    chunk = "\n\n".join(keep[i * 4 : i * 4 + 8])[:6000]
                    out.write(
                        json.dumps(
                            {"text": chunk, "source": f"{kind}:{path}", "split": "heldout_long"},
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
    for k in sorted(counts):
        print(f"{k}: {counts[k][0]} paragraphs from {counts[k][1]} files")
    print(f"{files} files, {len(seen)} distinct paragraphs -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
