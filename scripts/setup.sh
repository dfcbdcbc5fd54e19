#!/usr/bin/env bash
# Makes a fresh machine ready to run and test Seed Annotator, and does nothing that is already
# done: Debian packages (as root: installs them; otherwise prints the sudo line and stops),
# `npm ci` when node_modules is missing or older than the lock file, and code-server in its cache.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium opens the workbench; libkrb5-dev and ripgrep are code-server's (TESTING.md);
# python3-yaml and python3-nltk are the independent readers the tests use through /usr/bin/python3;
# fonts-noto-color-emoji makes emoji render in screenshots.
DEBS=(chromium libkrb5-dev ripgrep python3 python3-yaml python3-nltk fonts-noto-color-emoji)
missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  else
    echo "setup: these Debian packages are missing. Install them, then run this again:" >&2
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.seed-lock-hash ] || [ "$(cat node_modules/.seed-lock-hash)" != "$lock_hash" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.seed-lock-hash
fi

bash scripts/install-code-server.sh
