"""Data loading shared by train.py and eval.py (benchmarks/pi_model)."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
DATA = os.path.join(ROOT, "benchmarks", "data", "validator")
PROSE = os.environ.get("PI_PROSE", "/tmp/pi_model/local_prose.jsonl")

from smartlayer import pi_model, validator  # noqa: E402


def normalize(value: str) -> str:
    """The validator's first (base) normalization of one value: URL and HTML decoding, NFKC,
    lower case, blanks collapsed."""
    return next(validator._variants(value))[0]


def tokens(text: str) -> list[str]:
    """The model's words (smartlayer.pi_model.tokens), as str."""
    return [t.decode("utf-8", "replace") for t in pi_model.tokens(text)]


def load_split(split: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for fn in sorted(glob.glob(os.path.join(DATA, split, "*.jsonl"))):
        name = os.path.basename(fn)[: -len(".jsonl")]
        with open(fn, encoding="utf-8") as fh:
            groups[name] = [json.loads(line) for line in fh if line.strip()]
    return groups


def body_values(row: dict) -> list[str]:
    """Normalized values of a sample's body, as the model sees them at run time."""
    values, _ = validator._values(row["body"], row.get("content_type", ""), "", validator.MAX_BODY)
    return [normalize(v) for v in dict.fromkeys(values) if v != validator._OVERLONG_MARK]


def h(s: str) -> int:
    return int(hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()[:8], 16)


def extra_half(row: dict) -> str:
    """The extra split is halved by hash: 'train' rows may be trained on, 'check' rows measure
    (with holdout and held-out prose) what training on the other half did; fresh and fresh2
    are never trained on."""
    return "train" if h("extra:" + row["body"]) % 2 == 0 else "check"


def prose_group(source: str) -> str:
    """A coarse 'document family' for a local-prose row, to cap how much one family weighs
    (gcloud's thousands of man pages, awscli's examples)."""
    kind, _, path = source.partition(":")
    base = os.path.basename(path)
    if kind.startswith("man"):
        return kind + ":" + re.split(r"[_.\-]", base)[0]
    if path.startswith("/usr/share/doc/"):
        return "doc:" + path.split("/")[4]
    m = re.search(r"(?:site-packages|dist-packages|python3\.\d+)/([^/]+)", path)
    return kind + ":" + (m.group(1).split("-")[0] if m else base)


def load_prose(split: str, per_group: int, salt: str = "") -> list[dict]:
    """Local prose rows of one split ('train', 'heldout', 'heldout_long'), at most
    ``per_group`` per document family (chosen by hash, deterministic)."""
    rows = []
    with open(PROSE, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["split"] == split:
                rows.append(r)
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(prose_group(r["source"]), []).append(r)
    out = []
    for g in sorted(by):
        rs = sorted(by[g], key=lambda r: h(salt + r["text"]))[:per_group]
        out += rs
    return out
