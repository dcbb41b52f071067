#!/usr/bin/env bash
# Installs what building, running and testing Contactmoment needs on Debian 12 / Ubuntu 22.04+.
# Idempotent: each step checks first, so `make run` and `make test` can call it every time.
# Usage: scripts/setup.sh run|test|server
set -euo pipefail
mode=${1:-run}
cd "$(dirname "$0")/.."

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

build_pkgs=(build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  librsvg2-dev libayatana-appindicator3-dev libxdo-dev nodejs npm)
# The team server's tests start throwaway PostgreSQL clusters of their own; `make server`
# runs one in a folder of the checkout. Neither uses the cluster the package may start.
server_pkgs=(postgresql openssl)
# The end-to-end tests press the system-wide shortcut with xdotool and run a session bus of
# their own (dbus-run-session), on which a second start finds the first.
# `make bench` loads its CSV with the sqlite3 shell too, for the engine's own limit.
test_pkgs=(xvfb xauth webkit2gtk-driver imagemagick libreoffice-calc-nogui poppler-utils tzdata
  xdotool dbus sqlite3
  "${server_pkgs[@]}")

wanted=("${build_pkgs[@]}")
case "$mode" in
  test) wanted+=("${test_pkgs[@]}") ;;
  server) wanted+=("${server_pkgs[@]}") ;;
esac

missing=()
for p in "${wanted[@]}"; do
  # nodejs/npm may come from elsewhere (nvm, NodeSource): a working binary is enough.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust from https://rustup.rs and run this again" >&2
  exit 1
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt || true

if [ "$mode" = test ] && ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

# Vite 8 needs Node.js 20.19 or newer; Debian 12 and Ubuntu 22.04/24.04 ship 18. The npm
# registry carries Node itself, so an older system Node gets a private one in .tools/, which
# the Makefile puts first on PATH.
node_ok() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null
}
if ! node_ok; then
  echo "setup: Node.js $(node --version 2>/dev/null || echo missing) is too old; installing Node 22 into .tools/"
  npm install --no-audit --no-fund --prefix .tools node@22
  export PATH="$PWD/.tools/node_modules/.bin:$PATH"
  node_ok || { echo "setup: could not provide Node.js >= 20.19" >&2; exit 1; }
fi

# npm ci installs exactly what the committed lock files say and never rewrites them, so a
# checkout stays clean after `make run` and `make test`.
npm_ci() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
}
npm_ci ui
if [ "$mode" = test ]; then npm_ci tests/e2e; fi
