"""Docs stay true: every setting and every check ID is documented; the Lua files ship."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from smartlayer import conf, lua

DOCS = Path(__file__).resolve().parent.parent / "docs"
PACKAGE = Path(conf.__file__).resolve().parent


@pytest.mark.parametrize("key", sorted(conf._CORE_KEYS))
def test_every_setting_is_documented(key):
    assert f"`{key}`" in (DOCS / "configuration.md").read_text()


def check_ids_in_code():
    ids = set()
    for path in PACKAGE.rglob("*.py"):
        ids |= set(re.findall(r"smartlayer\.[EW]\d{3}", path.read_text()))
    return sorted(ids)


def test_check_ids_are_found():
    assert len(check_ids_in_code()) >= 10


@pytest.mark.parametrize("check_id", check_ids_in_code())
def test_every_check_id_is_documented(check_id):
    assert f"`{check_id}`" in (DOCS / "checks.md").read_text()


def test_lua_files_are_package_resources():
    shipped = {p.name for p in files("smartlayer.lua").iterdir() if p.name.endswith(".lua")}
    assert shipped == set(lua.FILES)
    assert "SECTIONS.ratelimit" in lua.PRE_REQUEST.source


def test_every_page_is_in_the_docs_site_navigation():
    nav = (DOCS.parent / "mkdocs.yml").read_text()
    pages = {p.name for p in DOCS.glob("*.md")}
    missing = {page for page in pages if f" {page}" not in nav}
    assert not missing, f"add to mkdocs.yml nav: {sorted(missing)}"
