#!/usr/bin/env bash
# Runs Homebeat: the desktop app where Electron can start, otherwise the headless dashboard.
# With nothing configured it uses simulated devices and an embedded MQTT broker.
source "$(dirname "$0")/lib.sh"
npm_deps
build_if_needed

# "auto": simulated devices and smart home while no broker is configured (see README).
export HOMEBEAT_SIMULATE="${HOMEBEAT_SIMULATE:-auto}"

if [ "${HOMEBEAT_HEADLESS:-}" != 1 ] && electron_usable; then
  exec npx electron-vite preview -- "$@"
fi
say "the Electron desktop app cannot start here (no Electron binary or no display); running the headless dashboard instead"
exec node bin/homebeat.js serve "$@"
