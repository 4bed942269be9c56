#!/usr/bin/env bash
# Installs what posthaste-cli's terminal test needs: tmux (TmuxTerminalTest drives the command in a
# real terminal). Run as root, e.g. from .ci/run:  bash posthaste-cli/install-test-tools.sh
set -euo pipefail
if command -v tmux >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "tmux is missing; run this script as root (or: sudo apt-get install tmux)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null
tmux -V
