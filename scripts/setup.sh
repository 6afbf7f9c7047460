#!/usr/bin/env bash
# Installs what the app and its tests need: system packages (Mosquitto, Chromium, Xvfb) and npm
# dependencies, then builds. Safe to run again; it skips what is already there.
source "$(dirname "$0")/lib.sh"
apt_need git git
apt_need /usr/sbin/mosquitto mosquitto
apt_need mosquitto_passwd mosquitto
apt_need /usr/bin/chromium chromium
apt_need Xvfb xvfb xauth
npm_deps
build_if_needed
say "ready"
