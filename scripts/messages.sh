#!/usr/bin/env bash
# Extract every app's strings into its own catalogue (<app>/locale/), then compile all.
# The root catalogue (locale/) holds config/, accounts/, core/ and the shared templates/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
cd "$ROOT"
APPS=(incubator grants/calls grants/review grants/awards grants/payments purchasing/contracts purchasing/delivery api webhooks cms home)
for app in "${APPS[@]}"; do
  [ -d "$app" ] || continue
  mkdir -p "$app/locale"
  (cd "$app" && "$PY" "$ROOT/manage.py" makemessages -l zh_Hans >/dev/null)
done
"$PY" manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles \
  --ignore=artifacts --ignore=incubator --ignore=grants --ignore=cms --ignore=home \
  --ignore=purchasing --ignore=api --ignore=webhooks >/dev/null
"$PY" manage.py compilemessages -l zh_Hans --ignore=.venv >/dev/null
echo "Catalogues updated. Translate new entries (msgstr \"\") in each django.po, then run again."
