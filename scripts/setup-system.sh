#!/usr/bin/env bash
# System packages the test suite needs, from Debian: Chromium (browser tests, PDF printing),
# Dovecot (a real IMAP server for the mailbox collector), poppler-utils (reading the text
# of printed PDF reports) and faketime (workers with skewed clocks in the fault suite).
# Idempotent; needs root or sudo.
set -euo pipefail
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
[ -x /usr/sbin/dovecot ] || packages+=(dovecot-imapd)
command -v pdftotext >/dev/null 2>&1 || packages+=(poppler-utils)
command -v faketime >/dev/null 2>&1 || packages+=(faketime)
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# Dovecot's own service is not wanted: tests start private instances on their own ports.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $sudo systemctl disable --now dovecot >/dev/null 2>&1 || true
fi
