#!/usr/bin/env bash
# Set up a virtualenv (.venv-test) with the package and its test extras, then run pytest.
# Extra arguments go to pytest. Runs against the embedded fakeredis, plus a real Redis
# when REDIS_URL is set (e.g. REDIS_URL=redis://127.0.0.1:6379/0).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SMARTLAYER_TEST_VENV:-.venv-test}"
if [ ! -x "$venv/bin/python" ]; then
  echo "== creating $venv"
  python3 -m venv "$venv"
fi
echo "== installing django-smartlayer[test] into $venv"
log="$venv/install.log"
if ! { "$venv/bin/python" -m pip install --disable-pip-version-check --upgrade pip &&
       "$venv/bin/python" -m pip install --disable-pip-version-check -e ".[test]"; } >"$log" 2>&1 ||
   ! "$venv/bin/python" -c "import smartlayer, django, redis, fakeredis, lupa" 2>>"$log"; then
  tail -n 40 "$log" >&2
  echo "installation failed (full log: $log)" >&2
  exit 1
fi
echo "== pytest (real Redis: ${REDIS_URL:-not set, fakeredis only})"
exec "$venv/bin/python" -m pytest "$@"
