#!/usr/bin/env bash
# Install the Debian packages the checks need, only those missing:
#   chromium  the dashboard's end-to-end test (scripts/test-frontend.sh)
#   nginx     two replicas behind nginx (scripts/test-replicas.sh)
#   wrk       the benchmark (bench.sh)
#   galera-4, mariadb-backup, socat, haproxy
#             the Galera cluster and its failure test (scripts/test-cluster.sh)
#   scripts/system-packages.sh               all of them
#   scripts/system-packages.sh nginx wrk     only these
# Idempotent: installs nothing when every program is there, and runs `apt-get update` once, only
# when something is missing. Installing needs root (or sudo without a password) and apt-get.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# The program each package provides: present means nothing to install.
program_of() {
  case "$1" in
    chromium) echo /usr/bin/chromium ;;
    nginx) echo /usr/sbin/nginx ;;
    wrk) echo wrk ;;
    galera-4) echo /usr/lib/galera/libgalera_smm.so ;;
    mariadb-backup) echo mariabackup ;;
    socat) echo socat ;;
    haproxy) echo /usr/sbin/haproxy ;;
    *) die "system-packages.sh does not know the package '$1'" ;;
  esac
}

has() {
  local program
  program="$(program_of "$1")"
  if [[ "$program" == /* ]]; then [ -e "$program" ]; else command -v "$program" >/dev/null; fi
}

wanted=("$@")
[ "${#wanted[@]}" -gt 0 ] || wanted=(chromium nginx wrk)
for package in "${wanted[@]}"; do program_of "$package" >/dev/null; done  # known names only
missing=()
for package in "${wanted[@]}"; do
  has "$package" || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

command -v apt-get >/dev/null \
  || die "missing: ${missing[*]} (not a Debian system: install them with its package manager)"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null \
    || die "missing: ${missing[*]}; install them as root: apt-get install ${missing[*]}"
  sudo=(sudo -n)
fi
say "installing Debian packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq || die "apt-get update failed"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
  || die "could not install: ${missing[*]} (apt-get install ${missing[*]})"
for package in "${missing[@]}"; do
  has "$package" || die "$package is installed but $(program_of "$package") is not there"
done
