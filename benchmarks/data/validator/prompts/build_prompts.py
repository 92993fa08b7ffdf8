#!/usr/bin/env python3
"""Build the PROMPTS evaluation split: hard benign prompts a chat product's users send.

    python prompts/build_prompts.py   # reads prompts/raw/prompts.csv; writes prompts/benign_hard.jsonl

Input: raw/prompts.csv, the "awesome-chatgpt-prompts" list (github.com/f/awesome-chatgpt-prompts,
prompts.csv at commit de63d2b7b45f8e82f81a3b25251fad1dfba60b8f, CC0-1.0), as read through the
project's search tool (its row ends came back as "\\n" instead of "\\r\\n"; see SOURCES.md).
Each row is a persona prompt ("I want you to act as a travel guide. I will write you my
location and you will suggest...") that people paste into chat assistants: benign for an
application built on a language model, and full of the phrasings prompt-injection rules
look for. The two rows whose title names a jailbreak ("Unconstrained AI model DAN", "AI Trying
to Escape the Box") are left out. Carriers: make_splits.carrier with the prompt-injection
family's carriers (a JSON message, a chat "messages" list, a form field, raw text), chosen
from the text's hash. Nothing here looks at smartlayer.validator.
"""

from __future__ import annotations

import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
sys.path.insert(0, DATA)
from make_splits import carrier  # noqa: E402

JAILBREAK_TITLES = {"Unconstrained AI model DAN", "AI Trying to Escape the Box"}


def main() -> None:
    rows = []
    with open(os.path.join(HERE, "raw", "prompts.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = row["prompt"].strip()
            if row["act"] in JAILBREAK_TITLES or len(text.split()) < 3:
                continue
            body, ct, carr = carrier(text, "prompt_injection")
            rows.append(
                {
                    "body": body,
                    "content_type": ct,
                    "family": "benign_hard",
                    "source": f"awesome-chatgpt-prompts:prompts.csv@de63d2b#{row['act']}",
                    "payload": text,
                    "carrier": carr,
                }
            )
    with open(os.path.join(HERE, "benign_hard.jsonl"), "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows")


if __name__ == "__main__":
    main()
