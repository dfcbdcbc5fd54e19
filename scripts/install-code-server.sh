#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) into a cache
# folder outside the repository, so that every clone on this machine (CI's fresh one included)
# reuses it. Idempotent: each step is skipped when its result is already there.
# Override the folder with SEED_ANNOTATOR_CACHE. See ../shared/TESTING.md for why each step exists.
set -euo pipefail

CS_VERSION=4.100.3
CACHE="${SEED_ANNOTATOR_CACHE:-$HOME/.cache/seed-annotator}"
DIR="$CACHE/code-server-$CS_VERSION"
CS="$DIR/node_modules/code-server"
STAMP="$DIR/.installed"

if [ -f "$STAMP" ] && [ -x "$DIR/node_modules/.bin/code-server" ]; then
  exit 0
fi

for cmd in rg chromium; do
  command -v "$cmd" >/dev/null || { echo "install-code-server: '$cmd' is missing (run scripts/setup.sh)" >&2; exit 2; }
done

echo "Installing code-server $CS_VERSION into $DIR (about 2 minutes, once per machine)..."
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"seed-annotator-code-server","private":true}' > package.json
# The native modules whose install scripts code-server needs; npm 12 refuses unapproved ones.
node -e '
  const fs = require("fs"); const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
  p.allowScripts = { argon2: true }; fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");'
if [ ! -d "$CS/lib/vscode" ]; then
  npm install --no-audit --no-fund --ignore-scripts --save-exact "code-server@$CS_VERSION"
fi
npm_config_build_from_source=true npm rebuild argon2 >/dev/null

cd "$CS/lib/vscode"
node -e '
  const fs = require("fs"); const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
  p.allowScripts = Object.fromEntries(["kerberos", "node-pty", "native-watchdog", "@parcel/watcher",
    "@vscode/spdlog", "@vscode/deviceid", "@vscode/ripgrep"].map((n) => [n, true]));
  fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");'
if [ ! -f .seed-deps-installed ]; then
  npm install --no-audit --no-fund --omit=dev --ignore-scripts
  touch .seed-deps-installed
fi
# @vscode/ripgrep would download a binary: point it at Debian's rg so its postinstall skips.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild >/dev/null

# The steps of code-server's own postinstall.sh.
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
if [ ! -f extensions/.seed-deps-installed ]; then
  (cd extensions && npm install --no-audit --no-fund --omit=dev && touch .seed-deps-installed)
fi

touch "$STAMP"
echo "code-server $CS_VERSION installed in $DIR"
