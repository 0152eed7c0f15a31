#!/usr/bin/env bash
# Lighthouse accessibility scores of the public pages, in both languages (issue 14).
# Fails when a page scores below MIN_SCORE (95). Not part of `make test`: run it by hand
# or in CI against a running site with the demo data, e.g.
#
#   make run &                       # http://127.0.0.1:8000 with the demo loaded
#   scripts/lighthouse.sh            # or: scripts/lighthouse.sh /en/ /zh-hans/news/
#
# Settings (environment): BASE_URL (http://127.0.0.1:8000), MIN_SCORE (95),
# FORM_FACTORS ("mobile desktop"), CHROME_PATH (/usr/bin/chromium), OUT
# (artifacts/lighthouse: one JSON report per page), LIGHTHOUSE_VERSION (12.8.2: the
# last line that runs on Node 20; Lighthouse 13 needs Node 22), LIGHTHOUSE_HOME
# (~/.cache/legal-aid-hub-lighthouse: where npm installs it, once).
set -euo pipefail

cd "$(dirname "$0")/.."
BASE_URL=${BASE_URL:-http://127.0.0.1:8000}
BASE_URL=${BASE_URL%/}
MIN_SCORE=${MIN_SCORE:-95}
FORM_FACTORS=${FORM_FACTORS:-mobile desktop}
LIGHTHOUSE_VERSION=${LIGHTHOUSE_VERSION:-12.8.2}
LIGHTHOUSE_HOME=${LIGHTHOUSE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/legal-aid-hub-lighthouse}
OUT=${OUT:-artifacts/lighthouse}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

if ! curl -fsS -o /dev/null "$BASE_URL/en/"; then
  echo "No site answers at $BASE_URL/en/: start one (make run) or set BASE_URL." >&2
  exit 2
fi

LIGHTHOUSE="$LIGHTHOUSE_HOME/node_modules/.bin/lighthouse"
if [ ! -x "$LIGHTHOUSE" ]; then
  echo "Installing lighthouse@$LIGHTHOUSE_VERSION into $LIGHTHOUSE_HOME ..."
  mkdir -p "$LIGHTHOUSE_HOME"
  npm install --prefix "$LIGHTHOUSE_HOME" --no-audit --no-fund --loglevel=error "lighthouse@$LIGHTHOUSE_VERSION"
fi

# The first link on `path` that matches `pattern` (a page whose address holds a database id).
first_link() {
  curl -fsS "$BASE_URL$1" | grep -oE "href=\"$2\"" | head -n 1 | sed -e 's/^href="//' -e 's/"$//'
}

if [ "$#" -gt 0 ]; then
  paths=("$@")
else
  paths=()
  for lang in en zh-hans; do
    paths+=(
      "/$lang/"
      "/$lang/about/"
      "/$lang/how-to-apply/"
      "/$lang/news/"
      "/$lang/news/spring-cohort-opens/"
      "/$lang/events/"
      "/$lang/events/application-briefing/"
      "/$lang/projects/"
      "/$lang/projects/neighbourhood-mediation/"
      "/$lang/calls/"
      "/$lang/directory/"
      "/$lang/open-data/"
      "/$lang/search/?q=legal"
    )
    profile=$(first_link "/$lang/directory/" "/$lang/directory/[0-9]+/" || true)
    [ -n "$profile" ] && paths+=("$profile")
    call=$(first_link "/$lang/grants/calls/" "/$lang/grants/calls/[^\"/?]+/" || true)
    [ -n "$call" ] && paths+=("$call")
  done
fi

mkdir -p "$OUT"
failed=0
printf '%-8s %5s  %s\n' "form" "score" "page"
for form in $FORM_FACTORS; do
  preset=()
  [ "$form" = desktop ] && preset=(--preset=desktop)
  for path in "${paths[@]}"; do
    name=$(printf '%s' "$form$path" | tr -c 'a-zA-Z0-9_-' '-')
    report="$OUT/$name.json"
    if ! "$LIGHTHOUSE" "$BASE_URL$path" "${preset[@]}" --only-categories=accessibility \
      --output=json --output-path="$report" --quiet \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" >/dev/null 2>"$report.log"; then
      echo "lighthouse failed on $path ($form): see $report.log" >&2
      failed=1
      continue
    fi
    # The score, then the failing audits (id: title) when below the minimum.
    node -e '
      const report = require(require("path").resolve(process.argv[1]));
      const min = Number(process.argv[3]);
      const score = Math.round(report.categories.accessibility.score * 100);
      console.log(`${process.argv[4].padEnd(8)} ${String(score).padStart(5)}  ${process.argv[2]}`);
      if (score < min) {
        for (const ref of report.categories.accessibility.auditRefs) {
          const audit = report.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) console.log(`           - ${ref.id}: ${audit.title}`);
        }
        process.exit(1);
      }
    ' "$report" "$path" "$MIN_SCORE" "$form" || failed=1
  done
done

if [ "$failed" -ne 0 ]; then
  echo "Some pages score below $MIN_SCORE (or could not be audited); reports in $OUT/." >&2
  exit 1
fi
echo "Every page scores at least $MIN_SCORE."
