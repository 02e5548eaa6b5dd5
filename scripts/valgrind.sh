#!/bin/sh
# valgrind.sh — `make valgrind`: the integration suites (ONLY=PATTERN to
# pick some) with every abicheck run under valgrind's memcheck, then a
# count of what it found.  Fails on any error or definite/indirect leak.
# Slow (valgrind runs ~30x slower): not part of `make test`.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
: "${ABICHECK:?ABICHECK=path to the binary}"
command -v valgrind > /dev/null || { echo "valgrind.sh: valgrind not installed" >&2; exit 2; }
logs=$(mktemp -d "${TMPDIR:-/tmp}/abicheck-valgrind.XXXXXX")
trap 'rm -rf "$logs"' EXIT
rc=0
ABICHECK_REAL=$ABICHECK VALGRIND_LOGS=$logs ABICHECK_TIMEOUT=${ABICHECK_TIMEOUT:-1800} \
	ABICHECK="$here/tests/tools/valgrind-abicheck.sh" "$here/tests/integration/run.sh" || rc=$?
runs=$(ls "$logs" | wc -l)
errors=$(cat "$logs"/*.log 2>/dev/null | grep -c 'ERROR SUMMARY: [1-9]\|^==[0-9]*== Invalid\|definitely lost in\|indirectly lost in' || true)
echo "valgrind: $runs abicheck runs, $errors error or leak reports"
if [ "$errors" -gt 0 ]; then
	grep -l 'Invalid\|definitely lost in\|indirectly lost in' "$logs"/*.log | head -5 |
		while read -r f; do echo "== $f"; head -40 "$f"; done
	exit 1
fi
exit $rc
