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
    assert "smartlayer/data/pi_model.tsv" in names  # the prompt-injection word model's weights
    assert "smartlayer/management/commands/smartlayer.py" in names
    assert "smartlayer/templates/smartlayer/bans.html" in names
    assert "smartlayer/management/commands/analyse_logs.py" in names
    assert {"smartlayer/migrations/0001_initial.py", "smartlayer/migrations/0002_redis_state.py"} <= names
    assert not any(n.startswith(("tests/", "example/", "benchmarks/")) for n in names)

    # Installed from the wheel (not this source tree), a minimal project passes `check`.
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "minimal_settings.py").write_text(
        "SECRET_KEY = 'x'\nUSE_TZ = True\nROOT_URLCONF = 'minimal_urls'\n"
        "INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', 'smartlayer']\n"
        "MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware',\n"
        "              'django.contrib.auth.middleware.AuthenticationMiddleware',\n"
        "              'smartlayer.middleware.SmartLayerMiddleware']\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}\n"
        "SMART_MIDDLEWARE = {'RATE_LIMIT_PLANS': {'anonymous': {'/api/': {'per_minute': 60}}}}\n"
        "SILENCED_SYSTEM_CHECKS = ['smartlayer.W001']\n"
    )
    (project / "minimal_urls.py").write_text("urlpatterns = []\n")
    code = (
        "import smartlayer; print(smartlayer.__file__)\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['django-admin', 'check'])\n"
    )
    env = {
        "PYTHONPATH": f"{target}:{project}",
        "DJANGO_SETTINGS_MODULE": "minimal_settings",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert str(target) in out.stdout.splitlines()[0]  # the installed copy, not the source tree
    assert "System check identified no issues" in out.stdout
