"""Train the prompt-injection text model and write smartlayer/data/pi_model.tsv.

    pip install numpy scipy scikit-learn            # training only; the runtime is stdlib
    python benchmarks/pi_model/build_negatives.py   # -> /tmp/pi_model/local_prose.jsonl
    python benchmarks/pi_model/train.py [--out smartlayer/data/pi_model.tsv]

Data discipline: positives are the *dev* prompt-injection payloads only; negatives are the dev
benign bodies (normal and hard; every prose value), the dev payloads of the other attack
families, and the *train* part of the local prose corpus (real documentation nobody on this
project wrote). Thresholds are chosen on the *holdout* split and the *held-out* local prose
(``--pick``), never on ``fresh``. Deterministic: fixed orderings, hash-based sampling, liblinear.

Model: logistic regression over word unigrams and bigrams of windows of ``--window`` words
(texts longer than a window are cut into windows at half-window strides; a long positive
keeps, after a first fit, only its most suspicious windows: multiple-instance style, since a
long jailbreak's padding is not itself an injection). At run time the score is the best
window's (smartlayer/pi_model.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itertools

import common
from common import ROOT, body_values, extra_half, load_prose, load_split, normalize, tokens

OUT = os.path.join(ROOT, "smartlayer", "data", "pi_model.tsv")
OTHER = ("attacks_sqli", "attacks_xss", "attacks_traversal", "attacks_cmdi", "attacks_encoding")


def windows(toks: list[str], w: int) -> list[list[str]]:
    if len(toks) <= w:
        return [toks]
    step = max(1, w // 2)
    out = [toks[i : i + w] for i in range(0, len(toks) - w + 1, step)]
    if (len(toks) - w) % step:
        out.append(toks[-w:])
    return out


BIGRAMS = True


def feats(toks: list[str]) -> list[str]:
    if not BIGRAMS:
        return toks
    return toks + [a + " " + b for a, b in itertools.pairwise(toks)]


def training_docs(args) -> tuple[list[list[str]], list[list[str]], dict]:
    dev = load_split("dev")
    pos = []
    for r in dev["attacks_prompt_injection"]:
        t = tokens(normalize(r["payload"]))
        if len(t) >= 3:
            pos.append(t)
    neg = []
    sizes = {"pos_dev_pi": len(pos)}
    for name in ("benign_normal", "benign_hard"):
        if args.no_dev_benign:
            break
        n0 = len(neg)
        for r in dev[name]:
            for v in body_values(r):
                t = tokens(v)
                if len(t) >= 3:
                    neg.append(t)
        sizes[f"neg_dev_{name}_values"] = len(neg) - n0
    n0 = len(neg)
    for name in OTHER:
        for r in dev[name]:
            t = tokens(normalize(r["payload"]))
            if len(t) >= 3:
                neg.append(t)
    sizes["neg_dev_other_families"] = len(neg) - n0
    if args.extra:
        # the extra split (new sources, see benchmarks/data/validator/SOURCES.md): its injections
        # are positives, its hard benign texts (LLM-judge prompts, refusals, system messages,
        # documents) negatives. fresh and fresh2 stay unseen.
        extra = {
            k: [r for r in rows if args.extra == "all" or extra_half(r) == "train"]
            for k, rows in load_split("extra").items()
        }
        n0 = len(pos)
        for r in extra["attacks_prompt_injection"]:
            t = tokens(normalize(r["payload"]))
            if len(t) >= 3:
                pos.append(t)
        sizes["pos_extra_pi"] = len(pos) - n0
        n0 = len(neg)
        for r in [] if args.extra_no_neg else extra["benign_hard"]:
            for v in body_values(r):
                t = tokens(v)
                if len(t) >= 3:
                    neg.append(t)
        sizes["neg_extra_benign_hard_values"] = len(neg) - n0
    if args.look:
        # the look halves of the blind sets (session 15; fresh8 since session 16): fresh7's and
        # fresh8's prompt injections written blind are positives, the hard benign texts of
        # fresh5/6/7/8 negatives; their check halves (validator_eval.py --half check) stay
        # unseen, to measure what this did
        sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
        from validator_eval import HALF_SALT, half_of

        n0, n1 = len(pos), len(neg)
        for split in ("fresh5", "fresh6", "fresh7", "fresh8"):
            for name, rows in load_split(split).items():
                for r in rows:
                    if half_of(r, HALF_SALT[split]) != "look":
                        continue
                    if name == "attacks_prompt_injection":
                        t = tokens(normalize(r["payload"]))
                        if len(t) >= 3:
                            pos.append(t)
                    elif name == "benign_hard":
                        neg.extend(t for t in map(tokens, body_values(r)) if len(t) >= 3)
        sizes["pos_look_pi"] = len(pos) - n0
        sizes["neg_look_benign_hard_values"] = len(neg) - n1
    n0 = len(neg)
    prose = load_prose("train", args.per_group)
    for r in prose:
        t = tokens(r["text"])
        if len(t) >= 3:
            neg.append(t)
    sizes["neg_local_prose_train"] = len(neg) - n0
    if args.augment:
        # an injection inside benign text: each short dev payload between two train-prose
        # paragraphs (chosen by hash), so that the words of ordinary docs do not learn to
        # outweigh an injected paragraph in the window around it
        paras = [tokens(r["text"]) for r in sorted(prose, key=lambda r: common.h("aug:" + r["text"]))]
        paras = [p for p in paras if 20 <= len(p) <= 200]
        k = 0
        for r in dev["attacks_prompt_injection"]:
            t = tokens(normalize(r["payload"]))
            if 3 <= len(t) <= 100:
                pos.append(paras[k % len(paras)] + t + paras[(k + 1) % len(paras)])
                k += 2
        sizes["pos_augmented_in_prose"] = k // 2
    return pos, neg, sizes


def fit(X, y, sw, C):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, solver="liblinear", max_iter=1000, tol=1e-6)
    clf.fit(X, y, sample_weight=sw)
    return clf.coef_[0], float(clf.intercept_[0])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--per-group", type=int, default=150, help="local prose paragraphs per document family")
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--C", type=float, default=0.5)
    ap.add_argument(
        "--pos-weight", type=float, default=1.0, help="positive class weight / negative class weight"
    )
    ap.add_argument(
        "--keep-top", type=int, default=4, help="windows kept per long positive after the first fit"
    )
    ap.add_argument("--max-features", type=int, default=10000)
    ap.add_argument("--digits", type=int, default=2)
    # thresholds on the logit, picked with eval.py --pick on holdout + held-out local prose:
    # t1 (1 point, ask the AI; the only one smartlayer.validator uses): the lowest on the
    # 0.5-step sweep with holdout normal 0 %, held-out prose paragraphs <= 0.05 % flagged by
    # the model and tests/test_validator.py's everyday requests (written before the model)
    # still allowed: 2.5 would flag "How do I enable developer mode on my Android phone?"
    # (logit 3.55); a first pick of 1.25 flagged more. t2 (2 points) and t3 (the model
    # alone blocks): None, the model only ever asks the AI (see eval.py's docstring)
    ap.add_argument("--t1", type=float, default=4.0)
    ap.add_argument("--t2", type=float, default=None)
    ap.add_argument("--t3", type=float, default=None)
    ap.add_argument("--no-dev-benign", action="store_true", help="leave the generated dev benign bodies out")
    ap.add_argument("--min-weight", type=float, default=None, help="clip negative weights at this floor")
    ap.add_argument(
        "--extra",
        choices=("half", "all"),
        default=None,
        help="also train on the extra split (new sources): its train half (measure on the other) or all",
    )
    ap.add_argument(
        "--extra-no-neg", action="store_true", help="with --extra: its injections only, not its benign texts"
    )
    ap.add_argument("--augment", action="store_true", help="also short dev payloads embedded in train prose")
    ap.add_argument("--look", action="store_true", help="also fresh5/6/7/8 look halves (check halves unseen)")
    ap.add_argument(
        "--bigrams", action="store_true", help="bigram features too (no better on holdout, twice the cost)"
    )
    args = ap.parse_args(argv)
    global BIGRAMS
    BIGRAMS = args.bigrams

    import numpy as np
    from scipy.sparse import csr_matrix

    t0 = time.time()
    pos, neg, sizes = training_docs(args)
    W = args.window
    pos_w = [windows(t, W) for t in pos]
    neg_w = [c for t in neg for c in windows(t, W)]
    # vocabulary: document frequency over windows, counted in each class so that rare
    # class-specific n-grams are not kept from one document's repetition
    df: dict[str, int] = {}
    for chunks in pos_w:
        seen = set()
        for c in chunks:
            seen.update(feats(c))
        for f in seen:
            df[f] = df.get(f, 0) + 1
    for c in neg_w:
        for f in set(feats(c)):
            df[f] = df.get(f, 0) + 1
    vocab = sorted(f for f, n in df.items() if n >= args.min_df)
    index = {f: i for i, f in enumerate(vocab)}

    def matrix(chunks):
        rows, cols, vals = [], [], []
        for i, c in enumerate(chunks):
            counts: dict[int, int] = {}
            for f in feats(c):
                j = index.get(f)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            for j in sorted(counts):
                rows.append(i)
                cols.append(j)
                vals.append(float(counts[j]))
        return csr_matrix((vals, (rows, cols)), shape=(len(chunks), len(vocab)))

    def build(pos_chunks_per_doc):
        chunks = [c for cs in pos_chunks_per_doc for c in cs] + neg_w
        y = np.array([1] * sum(map(len, pos_chunks_per_doc)) + [0] * len(neg_w))
        sw = []
        for cs in pos_chunks_per_doc:
            sw += [1.0 / len(cs)] * len(cs)
        sw = np.array(sw + [1.0] * len(neg_w))
        sw[y == 1] *= args.pos_weight * len(neg_w) / sw[y == 1].sum()
        return matrix(chunks), y, sw

    X, y, sw = build(pos_w)
    coef, bias = fit(X, y, sw, args.C)
    # multiple-instance step: a long positive keeps its most suspicious windows
    w_of = dict(zip(vocab, coef, strict=False))
    kept = []
    for cs in pos_w:
        if len(cs) <= args.keep_top:
            kept.append(cs)
            continue
        scored = sorted(cs, key=lambda c: -sum(w_of.get(f, 0.0) for f in feats(c)))
        kept.append(scored[: args.keep_top])
    X, y, sw = build(kept)
    coef, bias = fit(X, y, sw, args.C)
    # keep the strongest features, refit on them
    order = np.argsort(-np.abs(coef), kind="stable")[: args.max_features]
    keep = np.zeros(len(vocab), bool)
    keep[order] = True
    X2 = X[:, np.flatnonzero(keep)]
    coef2, bias = fit(X2, y, sw, args.C)
    vocab2 = [f for f, k in zip(vocab, keep, strict=False) if k]
    lo = -1e9 if args.min_weight is None else args.min_weight
    weights = {f: round(max(lo, float(c)), args.digits) for f, c in zip(vocab2, coef2, strict=False)}
    weights = {f: c for f, c in weights.items() if c != 0.0}
    sizes.update(
        pos_windows=int((y == 1).sum()),
        neg_windows=int((y == 0).sum()),
        vocab=len(vocab),
        features=len(weights),
    )
    meta = {"bias": f"{bias:.4f}", "window": str(W), "min_words": "3"}
    for k in ("t1", "t2", "t3"):
        v = getattr(args, k)
        meta[k] = "inf" if v is None else f"{v:.3f}"
    import sklearn

    meta["trained"] = (
        f"benchmarks/pi_model/train.py --window {W} --t1 {args.t1} --t2 {args.t2} --t3 {args.t3} --per-group {args.per_group} --min-df {args.min_df} "  # noqa: E501
        f"--C {args.C} --pos-weight {args.pos_weight} --keep-top {args.keep_top} "
        f"--max-features {args.max_features}{' --bigrams' if args.bigrams else ''}{' --no-dev-benign' if args.no_dev_benign else ''}{' --augment' if args.augment else ''}{f' --extra {args.extra}' if args.extra else ''}{' --extra-no-neg' if args.extra_no_neg else ''}{' --look' if args.look else ''}{f' --min-weight {args.min_weight}' if args.min_weight is not None else ''}; sklearn {sklearn.__version__} liblinear"  # noqa: E501
    )
    meta["data"] = ", ".join(f"{k}={v}" for k, v in sizes.items())
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for k, v in meta.items():
            fh.write(f"#{k}\t{v}\n")
        for f in sorted(weights, key=lambda f: (-abs(weights[f]), f)):
            if "\t" in f or "\n" in f:
                continue
            fh.write(f"{f}\t{weights[f]:g}\n")
    print(f"{sizes}\nwrote {args.out} ({os.path.getsize(args.out) // 1024} KB) in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
