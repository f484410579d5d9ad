#!/usr/bin/env bash
# Installs what building, running and testing ModelOps needs. Safe to run again: it only installs what is
# missing. System packages need root or sudo; without either it says which ones are missing and stops.
#
#   scripts/setup.sh          build + run dependencies
#   scripts/setup.sh --test   also what the tests need (Xvfb, WebKitWebDriver, xdotool, ImageMagick, MLflow)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- system packages (Debian/Ubuntu) --------------------------------------------------------------------
build_pkgs=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev libdbus-1-dev
            libayatana-appindicator3-dev librsvg2-dev pkg-config)
# gnome-keyring and libsecret-tools: a real Secret Service for the credential tests, and secret-tool to read it.
test_pkgs=(xvfb x11-utils webkit2gtk-driver xdotool imagemagick librsvg2-bin procps dbus util-linux gnome-keyring
           libsecret-tools)
pkgs=("${build_pkgs[@]}")
[ "$want_test" = 1 ] && pkgs+=("${test_pkgs[@]}")

if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
      echo "Missing system packages: ${missing[*]} (run this script as root or install them)" >&2; exit 1
    fi
    say "Installing system packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  echo "Not a Debian/Ubuntu system: install the equivalents of: ${pkgs[*]}" >&2
fi

# --- Rust -----------------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  [ -x "$HOME/.cargo/bin/cargo" ] || {
    say "Installing Rust (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  }
  export PATH="$HOME/.cargo/bin:$PATH"
fi

# --- Node.js (Vite 8 needs >= 20.19) ---------------------------------------------------------------------
node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; }
if ! node_ok; then
  if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; }; then
    say "Installing Node.js from the distribution"
    s=(); [ "$(id -u)" = 0 ] || s=(sudo)
    DEBIAN_FRONTEND=noninteractive "${s[@]}" apt-get install -y -qq nodejs npm >/dev/null || true
  fi
  node_ok || { echo "Node.js >= 20.19 is required (found: $(node --version 2>/dev/null || echo none))." >&2; exit 1; }
fi

# --- tauri-driver (WebDriver bridge for the end-to-end tests) -------------------------------------------
if [ "$want_test" = 1 ] && ! command -v tauri-driver >/dev/null; then
  say "Installing tauri-driver"
  cargo install tauri-driver --version "^2" --locked --quiet
fi

# --- MLflow (the team-sync tests start a real `mlflow server`; a virtualenv of the project's own) -------
# Pinned: the tests read back through MLflow's own client, and its REST API is what the sync speaks.
MLFLOW_VERSION=3.17.2
if [ "$want_test" = 1 ]; then
  venv=.venv
  if ! "$venv/bin/python" -c "import mlflow, flask_wtf, sys; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION')" 2>/dev/null; then
    say "Installing MLflow $MLFLOW_VERSION into $venv (for the team-sync tests)"
    command -v python3 >/dev/null || { echo "python3 is needed for the MLflow tests" >&2; exit 1; }
    python3 -m venv "$venv" 2>/dev/null || {
      s=(); [ "$(id -u)" = 0 ] || s=(sudo)
      DEBIAN_FRONTEND=noninteractive "${s[@]}" apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$venv"
    }
    "$venv/bin/pip" install -q --disable-pip-version-check "mlflow[auth]==$MLFLOW_VERSION"
  fi
fi

# --- npm packages (only when the lock file or ui/patches changed since the last install) ----------------
# npm ci's postinstall applies ui/patches (patch-package), so a changed patch needs a fresh install too.
stamp=ui/node_modules/.modelops-lock-stamp
want=$({ cat ui/package-lock.json; cat ui/patches/*.patch 2>/dev/null || true; } | sha256sum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "Installing npm packages (npm ci)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi
