#!/usr/bin/env bash
# Lighthouse (mobile, the default form factor) on the French post and the French home of the built
# site, against Debian's Chromium, served on loopback. Prints the four category scores per page.
#
#   python site.py build && bash tools/lighthouse.sh [_site]
#
# Lighthouse is pinned in tests/browser/package.json (npm ci there first); nothing is fetched.
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-_site}"
lighthouse="tests/browser/node_modules/.bin/lighthouse"
[ -x "$lighthouse" ] || { echo "run: (cd tests/browser && npm ci --ignore-scripts)" >&2; exit 1; }
python="${PYTHON:-python3}"
port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$python" tools/serve_gzip.py "$site" "$port" &   # gzip, as a host serves text
server=$!
out="$(mktemp -d)"
trap 'kill $server; rm -rf "$out"' EXIT
sleep 1
export CHROME_PATH=/usr/bin/chromium
for page in /fr/2021/04/05/normalisation-par-lots/ /fr/; do
  name="$(echo "$page" | tr '/' '_')"
  "$lighthouse" "http://127.0.0.1:$port$page" --quiet --output=json --output-path="$out/$name.json" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1
  "$python" - "$out/$name.json" "$page" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
scores = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
failing = [f"{a['id']} ({a['score']})" for a in report["audits"].values()
           if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"]
print(sys.argv[2], " ".join(f"{k}={v}" for k, v in scores.items()))
metrics = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")
print("  ", " ".join(f"{m}={report['audits'][m]['displayValue']}" for m in metrics))
if failing:
    print("  below 1:", ", ".join(failing))
PY
done
