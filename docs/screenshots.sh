#!/usr/bin/env bash
# Remakes the screenshots in docs/images/ from the example site: builds it
# with the release binary, serves the output with Python's static file
# server on a free port on 127.0.0.1 (no live-reload stream to keep the page
# busy), and has headless Chromium (Debian's `chromium`) photograph a few
# pages.
#
# Usage: docs/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet
out=$(mktemp -d)
profile=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$out" "$profile"' EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/release/brief build --quiet --output "$out"
python3 -m http.server --bind 127.0.0.1 --directory "$out" "$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  sleep 0.1
done

shoot() { # name path width height
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --virtual-time-budget=5000 --window-size="$3,$4" \
    --screenshot="docs/images/$1.png" "http://127.0.0.1:$port$2" >/dev/null 2>&1
  echo "docs/images/$1.png  <-  $2"
}
shoot index / 1280 1400
shoot briefing /briefings/un-clash-north-korean-troops/ 1280 2200
shoot claim /briefings/un-clash-north-korean-troops/claims/no-breach/ 1280 1100
shoot speaker /speakers/nebenzia/ 1280 1400
shoot search "/search/?q=nebenzia" 1280 1200
