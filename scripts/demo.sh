#!/usr/bin/env bash
# Set up a virtualenv (.venv-demo) with the package, then run the example site under scripted
# traffic. Uses the embedded fakeredis unless REDIS_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SMARTLAYER_DEMO_VENV:-.venv-demo}"
if [ ! -x "$venv/bin/python" ]; then
  echo "== creating $venv"
  python3 -m venv "$venv"
fi
echo "== installing django-smartlayer into $venv"
log="$venv/install.log"
if ! "$venv/bin/python" -m pip install --disable-pip-version-check -e . >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "installation failed (full log: $log)" >&2
  exit 1
fi
exec "$venv/bin/python" example/demo.py
