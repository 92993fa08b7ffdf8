"""The request validator: pure and fast, no I/O (the middleware asks the AI and Redis).

``inspect(body, content_type)`` decodes the body by its content type (form, JSON, text; never
multipart or binary), normalizes every value (repeated URL-decoding, HTML entities, Unicode
NFKC, case, white space, SQL comments, base64-looking values: each step bounded) and scores it
against rule families. Rules look for attack *structure*, not words: a SQL keyword counts only
after a quote or number breaks out of a literal, ``<script`` only as markup, a shell command
only after a shell operator. A rule's weight is its confidence: 3 and more blocks without the
AI, 1-2 asks it. A family's score is its strongest rule plus one when another of its rules
also fired; the request's score is its strongest family's.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

FAMILIES = ("sqli", "xss", "traversal", "cmdi", "prompt_injection", "encoding")

# Bounds: whatever the body, the work per request is bounded by these.
MAX_BODY = 65_536  # characters inspected (the middleware passes VALIDATOR_MAX_BODY)
MAX_VALUES = 2_000  # strings taken from one JSON or form body
MAX_DEPTH = 32  # JSON nesting walked; deeper values are inspected as raw text
URL_DECODE_ROUNDS = 3
HTML_DECODE_ROUNDS = 2
MIN_BASE64 = 16

ALLOW, ASK_AI, BLOCK = "allow", "ask_ai", "block"


@dataclass(frozen=True, slots=True)
class Inspection:
    """What the validator found: ``score`` 0 is clean; ``rules`` names what matched."""

    score: int
    families: frozenset[str]
    verdict: str
    rules: tuple[str, ...] = ()


CLEAN = Inspection(0, frozenset(), ALLOW)

# -- the rules ---------------------------------------------------------------------------
# (family, name, weight, pattern), matched against normalized (lower-case) text. Keep every
# pattern linear: no nested quantifiers, bounded repeats ({0,n}) between anchors.

_QUOTE = r"['\"`\u2019]"
_SQL_KW = r"(?:or|and|xor|union|select|having|order\s+by|group\s+by|where|limit|procedure|into|waitfor|exec)"
_SQL_BREAK_TAIL = r"(?:--|#|/\*|;|\)|$)"

_SHELL_COMMAND = (
    r"(?:"
    r"cat|ls|id|whoami|uname|wget|curl|nc|ncat|netcat|bash|sh|zsh|ksh|python[23]?|perl|"
    r"ruby|php|ping|nslookup|dig|sleep|echo|rm|chmod|chown|powershell|cmd|certutil|"
    r"bitsadmin|systeminfo|ipconfig|ifconfig|net\s{1,3}user|hostname|ps|kill|touch|"
    r"tftp|ftp|telnet|nohup|busybox|env|printenv|type|dir|more|head|tail|find|awk|sed|"
    r"xargs|base64|timeout|expr|ver|tasklist|reg\s{1,3}query|set"
    r")(?:\.exe)?(?=$|[\s;&|`)<>'\"$/\\])"
)

RULES: tuple[tuple[str, str, int, str], ...] = (
    # SQL injection ---------------------------------------------------------------------
    # a literal closed, then SQL: ' or 1=1 / 1' and 'a'='a / ') union select / " or ""="
    ("sqli", "breakout", 3, rf"{_QUOTE}\s{{0,3}}\){{0,3}}\s{{0,3}}{_SQL_KW}\b[^a-z]{{0,3}}[\w'\"(@-]"),
    ("sqli", "breakout_op", 3, rf"{_QUOTE}\s{{0,3}}(?:\|\||&&|=|<>|!=)\s{{0,3}}(?:{_QUOTE}|\d|\()"),
    (
        "sqli",
        "tautology",
        3,
        r"\b(?:or|and|xor|\|\||&&)\s{1,3}\(?\s{0,3}(['\"]?)(\w{1,12})\1\s{0,3}(?:=|<=>|like)\s{0,3}\(?\s{0,3}\1\2\1(?![\w])",
    ),
    (
        "sqli",
        "tautology_num",
        2,
        r"\b(?:or|and)\s{1,3}\(?\d{1,8}\s{0,3}(?:=|<|>|<>|!=|<=|>=)\s{0,3}\d{1,8}\b",
    ),
    ("sqli", "quote_comment", 2, rf"{_QUOTE}\s{{0,3}}\){{0,3}}\s{{0,3}}(?:--|#|/\*|;\s{{0,3}}--)"),
    ("sqli", "quote_comment_end", 3, rf"{_QUOTE}\s{{0,3}}\){{0,3}}\s{{0,3}}(?:--|#)[^\n]{{0,3}}$"),
    ("sqli", "union_select", 2, r"\bunion(?:\s{1,5}(?:all|distinct))?\s{1,5}\(?\s{0,3}select\b"),
    (
        "sqli",
        "union_null",
        3,
        r"\bunion\b.{0,30}\bselect\b.{0,10}\b(?:null|0x[0-9a-f]+|\d+)\s{0,3}(?:,|--|#|$)",
    ),
    (
        "sqli",
        "stacked",
        2,
        r";\s{0,5}(?:drop|delete|insert|update|shutdown|exec(?:ute)?|declare|create|alter|truncate|grant|select)\s{1,5}[\w@(*]",
    ),
    (
        "sqli",
        "stacked_breakout",
        3,
        rf"{_QUOTE}\s{{0,3}}\){{0,3}}\s{{0,3}};\s{{0,5}}(?:drop|delete|insert|update|shutdown|exec|declare|create|alter|select)\b",
    ),
    (
        "sqli",
        "time_based",
        3,
        r"\b(?:pg_sleep|benchmark|dbms_lock\.sleep|dbms_pipe\.receive_message)\s{0,3}\(|\bwaitfor\s{1,5}(?:delay|time)\s{0,3}['\"\d]",
    ),
    ("sqli", "sleep_call", 2, r"\bsleep\s{0,3}\(\s{0,3}\d"),
    (
        "sqli",
        "dbms_objects",
        2,
        r"\b(?:information_schema|sysobjects|syscolumns|sys\.objects|pg_catalog|pg_shadow|mysql\.user|sqlite_master|all_tables|user_tables)\b|@@(?:version|datadir|hostname|servername)\b",
    ),
    (
        "sqli",
        "dbms_functions",
        3,
        r"\b(?:xp_cmdshell|sp_executesql|sp_oacreate|load_file\s{0,3}\(|into\s{1,5}(?:out|dump)file|utl_inaddr|utl_http|extractvalue\s{0,3}\(|updatexml\s{0,3}\(|exp\s{0,3}\(\s{0,3}~|geometrycollection\s{0,3}\()",
    ),
    (
        "sqli",
        "char_concat",
        2,
        r"\b(?:char|chr|nchar)\s{0,3}\(\s{0,3}\d{1,3}\s{0,3}(?:,\s{0,3}\d{1,3}\s{0,3}){2,}\)",
    ),
    ("sqli", "hex_blob", 0, r"\b0x[0-9a-f]{8,}\b"),
    (
        "sqli",
        "order_probe",
        2,
        rf"(?:{_QUOTE}|\d)\s{{0,3}}\)?\s{{0,3}}(?:order|group)\s{{1,3}}by\s{{1,3}}\d{{1,3}}\b",
    ),
    ("sqli", "select_from", 0, r"\bselect\b[^.]{1,80}?\bfrom\b"),
    ("sqli", "comment_obfuscation", 2, r"/\*!?\d{0,6}\s{0,3}(?:union|select|and|or|from|where)\b"),
    (
        "sqli",
        "if_case",
        2,
        r"\b(?:if|iif|case\s{1,3}when)\s{0,3}\(\s{0,3}(?:\d|ascii|substr|substring|mid|length|user|database|version)",
    ),
    ("sqli", "leading_or", 2, r"^\s{0,3}\)?\s{0,3}(?:or|and)\s{1,3}(?:\d|true|false|not|\(|')"),
    # Cross-site scripting --------------------------------------------------------------
    ("xss", "script_tag", 3, r"<\s{0,3}/?\s{0,3}script\b"),
    ("xss", "event_handler_tag", 3, r"<[a-z][^>]{0,200}?[\s/\"'](?:on[a-z]{3,25})\s{0,3}="),
    (
        "xss",
        "event_handler_attr",
        3,
        rf"{_QUOTE}[\s/]{{0,5}}(?:on[a-z]{{3,25}})\s{{0,3}}=\s{{0,3}}{_QUOTE}?\s{{0,3}}[\w(`]",
    ),
    (
        "xss",
        "js_uri",
        3,
        r"(?:href|src|action|formaction|data|xlink:href|background|poster|srcdoc|to|url)\s{0,3}[=(]\s{0,3}['\"]?\s{0,5}(?:javascript|vbscript|livescript|data\s{0,3}:\s{0,3}text/html)\s{0,3}:?",
    ),
    ("xss", "js_scheme", 2, r"(?:^|[\s'\"(=])(?:javascript|vbscript)\s{0,3}:"),
    ("xss", "data_html", 2, r"data\s{0,3}:\s{0,3}(?:text/html|image/svg\+xml|application/x?html)"),
    (
        "xss",
        "dangerous_tag",
        2,
        r"<\s{0,3}(?:iframe|frame|frameset|object|embed|applet|base|meta|svg|math|link|xml|xss|isindex|marquee|bgsound|layer|ilayer|import|vmlframe)\b",
    ),
    (
        "xss",
        "tag_breakout",
        2,
        r"</\s{0,3}(?:title|textarea|style|noscript|iframe|xmp|plaintext|template)\s{0,3}>",
    ),
    (
        "xss",
        "js_sink",
        0,
        r"\b(?:alert|prompt|confirm|eval|settimeout|setinterval|fromcharcode|atob)\s{0,3}(?:\(|`)|\bdocument\s{0,3}\.\s{0,3}(?:cookie|domain|write|location)|\bwindow\s{0,3}\.\s{0,3}location|\binnerhtml\b",
    ),
    (
        "xss",
        "js_breakout",
        3,
        rf"{_QUOTE}\s{{0,3}}[;,)+\-*|&]{{1,3}}\s{{0,3}}(?:alert|prompt|confirm|eval|settimeout|fetch|document\.|window\.|top\[|self\[)\s{{0,3}}[(`\[.]",
    ),
    ("xss", "css_expression", 2, r"(?:expression\s{0,3}\(|-moz-binding|behavior\s{0,3}:\s{0,3}url)"),
    (
        "xss",
        "template_injection",
        2,
        r"\{\{[^}]{0,80}(?:constructor|__proto__|\$eval|\$on|alert|self|_self|config|class|mro|subclasses|globals|import)[^}]{0,80}\}\}|\$\{\{?[^}]{0,40}(?:runtime|exec|process)",
    ),
    # Path traversal ---------------------------------------------------------------------
    ("traversal", "dotdot", 0, r"\.\.[/\\]"),
    ("traversal", "dotdot_deep", 2, r"(?:\.\.[/\\]){3}"),
    (
        "traversal",
        "sensitive_file",
        3,
        r"(?:\.\.[/\\]|^\s{0,3}[/\\]|file:/{2,3}|[a-z]:[/\\])[^\s]{0,80}?(?:etc[/\\](?:passwd|shadow|group|hosts|issue|master\.passwd|sudoers)|proc[/\\]self|win\.ini|boot\.ini|system32|windows[/\\]system|\.htaccess|\.htpasswd|web\.config|wp-config\.php|\.ssh[/\\]|id_rsa|\.bash_history|\.env\b|(?:var|usr)[/\\][^\s]{0,40}\.(?:log|conf|ini))",
    ),
    ("traversal", "sensitive_path_only", 2, r"^\s{0,3}/(?:etc/(?:passwd|shadow)|proc/self/)"),
    ("traversal", "wrapper", 3, r"\b(?:php|zip|phar|expect|glob|jar|netdoc|gopher|dict)://"),
    ("traversal", "file_uri", 2, r"\bfile:/{2,3}"),
    ("traversal", "dotdot_trick", 2, r"\.{3,}[/\\]|\.\.[/\\]{2}|\.\.;[/\\]"),
    # Shell / command injection ----------------------------------------------------------
    # a command after a shell operator at the start of a value or right after one token
    # ("127.0.0.1; id", "x|whoami", "'; cat /etc/passwd"), or in a $( ) substitution
    (
        "cmdi",
        "separator_command",
        3,
        rf"(?:^[^\s;&|]{{0,64}}|{_QUOTE})\s{{0,3}}(?:[;&|\n]{{1,2}}|\$\(|^`)\s{{0,3}}{_SHELL_COMMAND}",
    ),
    ("cmdi", "backtick_after_token", 3, rf"^[^\s;&|`]{{0,64}}`\s{{0,3}}{_SHELL_COMMAND}"),
    ("cmdi", "substitution_command", 3, rf"\$\(\s{{0,3}}{_SHELL_COMMAND}"),
    ("cmdi", "separator_command_prose", 2, rf"[;&|\n]\s{{0,3}}{_SHELL_COMMAND}"),
    ("cmdi", "backtick_command", 0, rf"`\s{{0,3}}{_SHELL_COMMAND}"),
    (
        "cmdi",
        "shell_paths",
        3,
        r"/bin/(?:ba|z|k|da)?sh\b|/dev/(?:tcp|udp)/|\b(?:nc|ncat|netcat)\s{1,3}(?:-[a-z]{0,4}[elcv])|\bbash\s{1,3}-[ic]\b|\bsh\s{1,3}-c\b|\bcmd(?:\.exe)?\s{1,3}/[ck]\b|\bpowershell(?:\.exe)?\s{1,3}-(?:e|enc|nop|c|command|w)\b",
    ),
    ("cmdi", "substitution", 2, r"\$\(\s{0,3}[a-z]"),
    ("cmdi", "ifs", 3, r"\$\{?ifs\}?|\{(?:cat|ls|id|echo|wget|curl),"),
    ("cmdi", "jndi", 3, r"\$\{\s{0,3}(?:jndi|env|sys|java|lower|upper|::-)[:}]"),
    ("cmdi", "redirect_sensitive", 2, r"[|>]\s{0,3}(?:/tmp/|/dev/null|/etc/|/var/www)"),
    (
        "cmdi",
        "sep_net",
        2,
        r"[;&|`]\s{0,3}(?:ping|nslookup|dig|curl|wget)\s{1,3}(?:-[a-z]\s{0,3}\d{1,3}\s{1,3})?[\w.-]{2,}",
    ),
    # Prompt injection --------------------------------------------------------------------
    (
        "prompt_injection",
        "ignore_instructions",
        3,
        r"\b(?:ignore|disregard|forget|override|bypass|skip|drop|neglect)\s{1,3}(?:(?:all|any|every|each|the|your|my|of|these|those|this|previous|prior|above|earlier|preceding|foregoing|former|initial|original|system|safety|other)\s{1,3}){1,5}(?:instructions?|prompts?|rules|directions|directives|guidelines|commands|guardrails|restrictions|constraints|context|programming|orders)",
    ),
    (
        "prompt_injection",
        "ignore_loose",
        2,
        r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|prompt|guidelines|your\s{1,3}rules)\b",
    ),
    (
        "prompt_injection",
        "new_role",
        2,
        r"\b(?:you\s{1,3}are\s{1,3}now|from\s{1,3}now\s{1,3}on,?\s{1,3}you|act\s{1,3}as|pretend\s{1,3}(?:to\s{1,3}be|you\s{1,3}are|that\s{1,3}you)|roleplay\s{1,3}as|role-?play\s{1,3}as|you\s{1,3}will\s{1,3}now\s{1,3}(?:act|be))\b",
    ),
    (
        "prompt_injection",
        "unrestricted",
        2,
        r"\b(?:jailbr[eo]a?k\w{0,4}|do\s{1,3}anything\s{1,3}now|developer\s{1,3}mode|dan\s{1,3}mode|no\s{1,3}(?:restrictions|limitations|filters|rules|guidelines|censorship)|unfiltered|uncensored|without\s{1,3}(?:any\s{1,3})?(?:restrictions|limitations|filters|censorship|ethic\w{0,4}))\b",
    ),
    (
        "prompt_injection",
        "reveal_prompt",
        2,
        r"\b(?:reveal|print|show|repeat|output|leak|display|tell\s{1,3}me|give\s{1,3}me|what\s{1,3}(?:is|are|was|were))\s{1,3}(?:me\s{1,3})?(?:your|the|all|my)\s{1,3}(?:(?:original|initial|hidden|secret|system|previous|full|first)\s{1,3}){0,2}(?:system\s{1,3}prompt|prompt|instructions|rules|guidelines|password|secret)",
    ),
    (
        "prompt_injection",
        "your_system_prompt",
        3,
        r"\b(?:your|the\s{1,3}above)\s{1,3}(?:(?:initial|original|hidden|secret)\s{1,3})?(?:system\s{1,3}prompt|instructions)\b.{0,60}\b(?:ignore|reveal|print|repeat|verbatim|output|forget)\b|\b(?:ignore|reveal|print|repeat|output|forget)\b.{0,30}\byour\s{1,3}(?:system\s{1,3}prompt|instructions)\b",
    ),
    (
        "prompt_injection",
        "chat_markup",
        3,
        r"<\|(?:im_start|im_end|system|endoftext|user|assistant)\|>|\[/?inst\]|<<\s{0,3}sys\s{0,3}>>|^\s{0,3}(?:###\s{0,3})?(?:system|new\s{1,3}instructions?)\s{0,3}:\s{0,3}(?:you|ignore|from)",
    ),
    (
        "prompt_injection",
        "foreign_ignore",
        3,
        r"\b(?:ignoriere|vergiss|ignorieren\s{1,3}sie|vergessen\s{1,3}sie)\b.{0,40}\b(?:anweisungen|befehle|aufgaben|instruktionen|vorgaben)|\b(?:ignora|olvida|ignore[sz]?|oublie[sz]?)\b.{0,40}\b(?:instrucciones|instructions\s{1,3}pr[ée]c[ée]dentes|consignes|istruzioni)\b",
    ),
    (
        "prompt_injection",
        "now_task",
        2,
        r"\b(?:now|instead)\s{1,3}(?:you\s{1,3}(?:must|should|will)\s{1,3})?(?:say|write|respond|reply|answer|output|print)\s{1,3}(?:only\s{1,3})?(?:with\s{1,3})?['\"]",
    ),
)

# Each family is one alternation, searched once per value as a filter; only when it finds
# something are the family's rules searched one by one (a combined pattern alone would let a
# short rule hide a longer, stronger one that starts at the same place).
_Rule = tuple[str, int, "re.Pattern[str]"]


def _compile(family: str) -> tuple[re.Pattern[str], tuple[_Rule, ...]]:
    rules = [(name, weight, pattern) for fam, name, weight, pattern in RULES if fam == family]
    # Group numbers are global in one pattern, so a back-reference (\1) is relaxed to "any
    # quote or none" in the filter; the rule itself is then searched exactly.
    relaxed = (p.replace("\\1", "['\"]?") for _, _, p in rules)
    combined = re.compile("|".join(f"(?:{p})" for p in relaxed), re.MULTILINE)
    return combined, tuple((name, weight, re.compile(p, re.MULTILINE)) for name, weight, p in rules)


_FAMILY_PATTERNS = {family: _compile(family) for family in FAMILIES if family != "encoding"}

# A cheap first look: a value with none of these characters and none of these words cannot
# match any rule (the set is checked against every rule's literal parts by a test).
_TRIGGER_CHARS = re.compile(r"[^\x00-\x7f]|[\x00-\x08\x0b\x0c\x0e-\x1f'\"`<>;|&$(){}\\%=/]|\.\.")
_TRIGGER_WORDS = frozenset(
    """or and xor union select sleep waitfor ignore ignoring disregard forget override bypass skip
    neglect jailbreak jailbroken jailbreaking pretend act roleplay role reveal print show repeat output
    leak display tell give system instructions instruction prompt prompts developer anything dan
    ignoriere ignorieren vergiss vergessen olvida oublie oubliez ignora ignorez ignores uncensored
    unfiltered restrictions limitations filters censorship rules guidelines without say write respond
    reply answer now instead from exec execute drop delete insert update having order group limit
    procedure into benchmark pg_sleep information_schema sysobjects syscolumns pg_catalog pg_shadow
    sqlite_master all_tables user_tables xp_cmdshell sp_executesql sp_oacreate utl_inaddr utl_http
    load_file extractvalue updatexml char chr nchar if iif case dbms_lock dbms_pipe shutdown declare
    create alter truncate grant what expression moz behavior javascript vbscript livescript data file
    php zip phar expect glob jar netdoc gopher dict""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z_]+")


def _interesting(text: str) -> bool:
    """False when no rule can match ``text`` (lower-case)."""
    if _TRIGGER_CHARS.search(text) is not None:
        return True
    return not _TRIGGER_WORDS.isdisjoint(_WORD.findall(text))


# -- encoding tricks: looked for in the raw value, before normalization -----------------
_OVERLONG = re.compile(r"%c0%[0-9a-f]{2}|%c1%[0-9a-f]{2}|%e0%[89][0-9a-f]%[0-9a-f]{2}|%f0%80%", re.IGNORECASE)
_PERCENT_U = re.compile(r"%u[0-9a-f]{4}", re.IGNORECASE)
_DOUBLE = re.compile(r"%25(?:2[0-9a-f]|3[a-f]|5c|00|0[ad]|7[bcd]|60)", re.IGNORECASE)
_ESCAPED_SPECIAL = re.compile(r"\\(?:x[0-7][0-9a-f]|u00[0-7][0-9a-f]|[0-7]{3})", re.IGNORECASE)
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPECIAL = frozenset("<>'\"`;|&$(){}/\\%")
_OVERLONG_BYTES = re.compile(rb"[\xc0\xc1][\x80-\xbf]|\xe0[\x80-\x9f][\x80-\xbf]|\xf0[\x80-\x8f]")

_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_SPACES = re.compile(r"\s+")
_SQL_COMMENT = re.compile(r"/\*.{0,200}?\*/", re.DOTALL)
_HAS_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_BINARY_TYPES = ("multipart/", "image/", "audio/", "video/", "font/", "application/octet-stream",
                 "application/pdf", "application/zip", "application/gzip", "application/x-protobuf",
                 "application/protobuf", "application/msgpack", "application/x-msgpack",
                 "application/vnd.")  # fmt: skip


def inspect(
    body: bytes | str | None,
    content_type: str = "",
    *,
    query: str = "",
    max_body: int = MAX_BODY,
    block_score: int = 3,
    ai_score: int = 1,
) -> Inspection:
    """Score a request body (and its query string) and give a verdict.

    ``content_type`` picks the decoding (form, JSON, text); multipart and binary bodies are
    not inspected. Only the first ``max_body`` characters of the body and of the query string
    are inspected. Never raises on any input.
    """
    hits: dict[str, dict[str, int]] = {}
    for value, raw_bytes in _values(body, content_type, query, max_body):
        _score_value(value, raw_bytes, hits)
    if not hits:
        return CLEAN
    best = 0
    families = []
    rules = []
    for family, matched in hits.items():
        weights = sorted(matched.values(), reverse=True)
        if not weights or weights[0] == 0:  # supporting rules alone flag nothing
            continue
        family_score = weights[0] + (1 if len(weights) > 1 else 0)
        best = max(best, family_score)
        families.append(family)
        rules += [f"{family}.{name}" for name in matched]
    if not families:
        return CLEAN
    verdict = BLOCK if best >= block_score else ASK_AI if best >= ai_score else ALLOW
    return Inspection(best, frozenset(families), verdict, tuple(sorted(rules)))


# -- redaction: what may leave for a third-party AI ------------------------------------

_SECRET_NAMES = (
    r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
    r"auth(?:orization)?|session(?:id)?|cookie|csrf(?:token|middlewaretoken)?|otp|pin|cvv|cvc|"
    r"card(?:[_-]?number)?|cc[_-]?num(?:ber)?|iban|ssn|social[_-]?security|tax[_-]?id"
)
# "password": "x", password=x, 'token': 'x' ... the value up to its quote, '&', ',' or '}'
_SECRET_FIELD = re.compile(
    rf"""(["']?[\w.-]{{0,30}}(?:{_SECRET_NAMES})[\w.-]{{0,30}}["']?\s{{0,3}}[:=]\s{{0,3}})("(?:[^"\\]|\\.){{0,2000}}"|'[^']{{0,2000}}'|[^&,}}\s]{{1,2000}})""",
    re.IGNORECASE,
)
_REDACTIONS = (
    (re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"), "[EMAIL]"),
    (re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}"), "[TOKEN]"),  # JWT
    (re.compile(r"\b(?:bearer|basic)\s{1,3}[\w.~+/=-]{8,}", re.IGNORECASE), "[TOKEN]"),
    (re.compile(r"\b(?:sk|pk|rk|ghp|gho|xox[abp]|AKIA)[\w-]{12,}"), "[TOKEN]"),
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), "[NUMBER]"),  # card and account numbers
    (re.compile(r"\b[0-9a-f]{32,}\b", re.IGNORECASE), "[SECRET]"),
    (re.compile(r"\+?\d[\d ().-]{7,}\d"), "[PHONE]"),
)


def redact(text: str) -> str:
    """``text`` with secrets and personal data replaced by placeholders: values of fields
    named like passwords, tokens, keys or card numbers, e-mail addresses, bearer tokens and
    JWTs, card-like and long numbers, long hex secrets, phone numbers."""
    for pattern, placeholder in _REDACTIONS[1:3]:  # tokens first: "auth=Bearer xyz" is one value
        text = pattern.sub(placeholder, text)
    text = _SECRET_FIELD.sub(r"\1[REDACTED]", text)
    for pattern, placeholder in _REDACTIONS:
        text = pattern.sub(placeholder, text)
    return text


def inspectable(content_type: str) -> bool:
    """False for multipart and binary bodies, which the validator does not read."""
    ct = content_type.lower().lstrip()
    return not ct.startswith(_BINARY_TYPES)


# -- decoding a body into values ---------------------------------------------------------


def _values(
    body: bytes | str | None, content_type: str, query: str, limit: int
) -> Iterator[tuple[str, bool]]:
    """(value, came from raw bytes) for every string worth inspecting; bounded."""
    if query:
        yield from _form(query[:limit])
    if not body or not inspectable(content_type):
        return
    if isinstance(body, bytes):
        raw = body[:limit]
        if _OVERLONG_BYTES.search(raw):
            yield "\x00overlong-utf8", True
        text = raw.decode("utf-8", "replace")
    else:
        text = body[:limit]
    ct = content_type.lower()
    stripped = text.lstrip()
    if "json" in ct or ((not ct or ct.startswith("text/plain")) and stripped[:1] in ("{", "[")):
        values = _json(text)
        if values is not None:
            yield from values
            return
    if "x-www-form-urlencoded" in ct:
        yield from _form(text)
        return
    yield text, False


def _form(text: str) -> Iterator[tuple[str, bool]]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_VALUES)
    except ValueError:  # more fields than MAX_VALUES: inspect the text as it is
        yield text, False
        return
    for key, value in pairs:
        if len(key) > 2 or not key.isalnum():
            yield key, False
        if value:
            yield value, False
    # The raw text too: encodings and separators the form parser already undid or split.
    if "%" in text or "&" in text:
        yield text, False


def _json(text: str) -> list[tuple[str, bool]] | None:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    out: list[tuple[str, bool]] = []
    stack: list[tuple[object, int]] = [(doc, 0)]
    while stack and len(out) < MAX_VALUES:
        node, depth = stack.pop()
        if isinstance(node, str):
            out.append((node, False))
        elif depth >= MAX_DEPTH:
            out.append((json.dumps(node)[:4096], False))
        elif isinstance(node, dict):
            for key, value in node.items():
                if len(key) > 2:
                    out.append((key, False))
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
    return out


# -- normalizing and scoring one value ---------------------------------------------------


def _score_value(value: str, from_bytes: bool, hits: dict[str, dict[str, int]]) -> None:
    if from_bytes:  # the marker of overlong UTF-8 in the raw body
        hits.setdefault("encoding", {})["overlong_utf8"] = 3
        return
    if len(value) < 2:
        return
    if not _interesting(value.lower()):
        # Nothing any rule looks for, and nothing an encoding could hide, unless the whole
        # value is base64 of something that is.
        if len(value) >= MIN_BASE64 and " " not in value:
            decoded = _base64(value)
            if decoded:
                _score_text(_SPACES.sub(" ", decoded.lower()), hits)
        return
    _encoding(value, hits)
    for text in _normalized(value):
        _score_text(text, hits)


def _score_text(text: str, hits: dict[str, dict[str, int]]) -> None:
    if not _interesting(text):
        return
    for family, (combined, rules) in _FAMILY_PATTERNS.items():
        if combined.search(text) is None:
            continue
        found = hits.setdefault(family, {})
        for name, weight, pattern in rules:
            if pattern.search(text):
                found[name] = max(found.get(name, 0), weight)


def _encoding(value: str, hits: dict[str, dict[str, int]]) -> None:
    found: dict[str, int] = {}
    if "%" in value:
        if _OVERLONG.search(value):
            found["overlong_utf8"] = 3
        if _PERCENT_U.search(value):
            found["percent_u"] = 2
        if _DOUBLE.search(value):
            found["double_encoding"] = 2
        if "%00" in value:
            found["null_byte"] = 3
    if "\x00" in value or "\\x00" in value or "\\u0000" in value or "\\0" in value:
        found["null_byte"] = 3
    if "\\" in value and len(_ESCAPED_SPECIAL.findall(value[:4096])) >= 3:
        found["escaped_specials"] = 2
    if _CONTROL.search(value):
        found["control_chars"] = 1
    if found:
        fam = hits.setdefault("encoding", {})
        for name, weight in found.items():
            fam[name] = max(fam.get(name, 0), weight)


def _normalized(value: str) -> Iterator[str]:
    """The value as an application would finally see it, and its base64 decoding if any."""
    text = value
    for _ in range(URL_DECODE_ROUNDS):
        if not _HAS_PERCENT.search(text):
            break
        text = unquote(text, errors="replace")
    for _ in range(HTML_DECODE_ROUNDS):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.replace("\x00", "")
    text = _SPACES.sub(" ", text.lower())
    yield text
    if "/*" in text:
        yield _SQL_COMMENT.sub(" ", text)
    if len(value) >= MIN_BASE64 and " " not in value:
        decoded_b64 = _base64(value)
        if decoded_b64:
            yield _SPACES.sub(" ", decoded_b64.lower())


def _base64(value: str) -> str | None:
    """The text a base64-looking value encodes, when it is printable text; else None."""
    if not _BASE64.fullmatch(value):
        return None
    if value.isalpha() or value.isdigit():  # plain words and numbers are not base64 payloads
        return None
    padded = value + "=" * (-len(value) % 4)
    try:
        data = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        text = data.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if not text.isprintable() or not any(c in _SPECIAL for c in text):
        return None
    return text
