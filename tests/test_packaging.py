"""The built wheel contains what the package needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from smartlayer import lua

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_lua_scripts_and_py_typed(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("django_smartlayer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in lua.FILES:
        assert f"smartlayer/lua/{name}" in names
    assert "smartlayer/py.typed" in names
    assert "smartlayer/management/commands/smartlayer.py" in names
    assert "smartlayer/templates/smartlayer/bans.html" in names
    assert not any(n.startswith(("tests/", "example/", "benchmarks/")) for n in names)
