# Shared by setup.sh, start.sh and test.sh. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The Electron binary and Playwright's browsers are fetched from hosts this kind of machine may not
# reach; we use Debian's Chromium for browser tests and fall back to `serve` where Electron is absent.
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\033[1mhomebeat:\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; return 1; fi
}

# apt_need CMD PACKAGE...: installs the Debian packages when CMD is missing.
apt_need() {
  local cmd="$1"; shift
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then
    if [ -z "${APT_UPDATED:-}" ]; then
      say "installing system packages: $*"
      as_root apt-get update -q >/dev/null
      APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" >/dev/null
  fi
}

# Installs npm dependencies when node_modules is missing or older than the lock file.
npm_deps() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm dependencies (native modules build from source: a few minutes)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Builds main, preload and renderer when any source is newer than the build.
build_if_needed() {
  if [ ! -f out/main/cli.js ] || [ ! -f out/renderer/index.html ] || \
     [ -n "$(find src electron.vite.config.ts package.json -newer out/main/cli.js -print -quit 2>/dev/null)" ]; then
    say "building"
    npx electron-vite build >/dev/null
  fi
}

# True when the Electron binary is present and a display is there to show it.
electron_usable() {
  local dist
  dist="$(node -e "try{const p=require('path');const d=p.join(p.dirname(require.resolve('electron/package.json')),'dist');const f=require('fs');const t=p.join(p.dirname(d),'path.txt');process.stdout.write(f.existsSync(t)&&f.existsSync(p.join(d,f.readFileSync(t,'utf8')))?'yes':'no')}catch{process.stdout.write('no')}")"
  [ "$dist" = yes ] || return 1
  [ "$(uname)" != Linux ] || [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]
}
