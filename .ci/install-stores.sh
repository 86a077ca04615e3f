#!/usr/bin/env bash
# Installs the servers the replica tests run: PostgreSQL and Redis from Debian's packages, only where missing
# (as root). Starts nothing: the tests start their own servers on loopback, with data directories in a temporary
# folder and ports chosen free at run time, and stop them at the end (tests/Server.Tests/Replicas/StoreServers.cs).
# Prints two lines: the PostgreSQL bin directory, then the redis-server path.
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then missing+=(postgresql); fi
if ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-stores: ${missing[*]} missing and not root: install them or run as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || apt-get update -qq
  # policy-rc.d may deny the packages' own service start; that is what we want (the tests start their own).
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bin="$(pg_bin)"
[ -x "$bin/initdb" ] || { echo "install-stores: no initdb under /usr/lib/postgresql/*/bin after installing" >&2; exit 1; }
redis="$(command -v redis-server)" || { echo "install-stores: no redis-server after installing" >&2; exit 1; }
"$bin/postgres" --version >&2
"$redis" --version >&2
echo "$bin"
echo "$redis"
