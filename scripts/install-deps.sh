#!/usr/bin/env bash
# Installs the Debian packages kyoso needs. Idempotent: only missing packages are installed.
#   scripts/install-deps.sh build   -> what `make build` / `make run` need
#   scripts/install-deps.sh test    -> plus what `make test` needs (PostgreSQL, Chromium, cmocka, clang)
#   scripts/install-deps.sh bench   -> plus nginx and wrk for bench/
set -euo pipefail
what=${1:-build}

pkgs=(build-essential cmake pkg-config ca-certificates
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev
      libcmark-gfm-dev libcmark-gfm-extensions-dev libcurl4-openssl-dev
      nodejs npm sqlite3)
case "$what" in
  build) ;;
  test)  pkgs+=(libcmocka-dev postgresql-15 postgresql-contrib chromium fonts-noto-cjk
                clang libclang-rt-14-dev clang-format python3 python3-jsonschema python3-numpy python3-scipy python3-sklearn time) ;;
  bench) pkgs+=(libcmocka-dev postgresql-15 postgresql-contrib nginx wrk python3 python3-numpy python3-scipy python3-sklearn time) ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  # nodejs/npm may come from outside Debian (e.g. a preinstalled node); accept any working one.
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "kyoso: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || true
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
