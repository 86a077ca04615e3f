#!/usr/bin/env bash
# Runs every test of the solution and ends with the total as "N passed, N failed".
# Installs what the tests need first: ptxas (CUDA 11.8) for the PTX validation gate, and PostgreSQL and Redis for
# the replica tests (which start and stop their own servers).
set -uo pipefail
cd "$(dirname "$0")"

if [ -z "${ENGINE_PTXAS:-}" ]; then
  ENGINE_PTXAS="$(bash .ci/install-ptxas.sh | tail -n 1)" || { echo "test.sh: installing ptxas failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi
export ENGINE_PTXAS

if [ -z "${ENGINE_PG_BIN:-}" ] || [ -z "${ENGINE_REDIS_SERVER:-}" ]; then
  stores="$(bash .ci/install-stores.sh)" || { echo "test.sh: installing PostgreSQL and Redis failed" >&2; echo "0 passed, 1 failed"; exit 1; }
  ENGINE_PG_BIN="$(sed -n 1p <<<"$stores")"
  ENGINE_REDIS_SERVER="$(sed -n 2p <<<"$stores")"
fi
export ENGINE_PG_BIN ENGINE_REDIS_SERVER

results="$PWD/TestResults"
rm -rf "$results"
dotnet build Engine.sln -c Release -nologo -v q || { echo "0 passed, 1 failed"; exit 1; }
dotnet test Engine.sln -c Release --no-build -nologo -v q \
  --logger "trx" --results-directory "$results" --blame-hang-timeout 10m
rc=$?
# The replica tests stop their PostgreSQL and Redis themselves; should a test host have died first, stop what its
# pid files name (nothing else).
for pidfile in "${TMPDIR:-/tmp}"/engine-stores-*/pg/postmaster.pid "${TMPDIR:-/tmp}"/engine-stores-*/redis.pid; do
  [ -f "$pidfile" ] && kill "$(head -n 1 "$pidfile")" 2>/dev/null
done

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$failed" -gt 0 ]; then
  # The quiet console shows only the failing names; print each failure's message from the trx files.
  echo "--- failures ---"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/failed: \1/p'
    sed -n '/<Message>/,/<\/Message>/p' "$trx" | head -n 40
  done
  echo "----------------"
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
