#!/bin/sh
# valgrind.sh — `make valgrind`: the integration suites (ONLY=PATTERN to
# pick some) with every abicheck run under valgrind's memcheck, then a
# count of what it found.  Fails on any error or definite/indirect leak.
# Slow (valgrind runs ~30x slower): not part of `make test`.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
: "${ABICHECK:?ABICHECK=path to the binary}"
command -v valgrind > /dev/null || { echo "valgrind.sh: valgrind not installed" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/abicheck-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
logs=$tmp/logs # one memcheck log per abicheck process
mkdir "$logs"
rc=0
t0=$(date +%s)
# lib.sh's skip_under_valgrind: the few checks of what valgrind itself
# changes (the vDSO, the syscalls the kernel sees) say so and are skipped.
{ ABICHECK_UNDER_VALGRIND=1 ABICHECK_REAL=$ABICHECK VALGRIND_LOGS=$logs ABICHECK_TIMEOUT=${ABICHECK_TIMEOUT:-1800} \
	ABICHECK="$here/tests/tools/valgrind-abicheck.sh" "$here/tests/integration/run.sh" 2>&1 ||
	echo $? > "$tmp/rc"; } | tee "$tmp/suites"
[ ! -f "$tmp/rc" ] || rc=$(cat "$tmp/rc")
secs=$(($(date +%s) - t0))
runs=$(ls "$logs" | wc -l)
# memcheck's error headers (a crash counts too; the suites' own SIGINT and
# SIGTERM do not), and its leak records.
errors=$(cat "$logs"/*.log 2>/dev/null | grep -cE '^==[0-9]+== (Invalid|Conditional jump|Use of uninitialised|Syscall param|Mismatched|Source and destination overlap|Argument .* of function|Process terminating with default action of signal (4|5|6|7|8|11|31) )' || true)
leaks=$(cat "$logs"/*.log 2>/dev/null | grep -cE 'are (definitely|indirectly) lost in' || true)
suites=$(grep -c '^== t-' "$tmp/suites" || true)
checks=$(sed -n 's/^t-[^:]*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$tmp/suites" |
	awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }')
skips=$(grep -c '^  skip ' "$tmp/suites" || true)
echo "valgrind: $suites suites, $runs abicheck runs under memcheck, $errors errors, $leaks leaks (definite or indirect); checks: ${checks% *} passed, ${checks#* } failed, $skips skipped; ${secs}s"
if [ "$errors" -gt 0 ] || [ "$leaks" -gt 0 ]; then
	grep -lE '^==[0-9]+== (Invalid|Conditional|Use of|Syscall param|Mismatched|Source and|Argument)|are (definitely|indirectly) lost in' \
		"$logs"/*.log | head -5 | while read -r f; do echo "== $f"; head -60 "$f"; done
	exit 1
fi
exit $rc
