# tests/integration/lib.sh — helpers sourced by every t-*.sh.
# Environment: ABICHECK (binary under test), FIXTURES (cache of big
# fixtures, outside the repo), TOOLS (tests/tools).  Each test gets WORK, a
# fresh directory removed at exit.
set -u

: "${ABICHECK:?ABICHECK must point at the binary under test}"
TOOLS=${TOOLS:-$(cd "$(dirname "$0")/../tools" && pwd)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/abicheck-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The analysis cache of the runs: shared by the suites of one build
# (Makefile), never the user's own.
export XDG_CACHE_HOME="${ABICHECK_TEST_CACHE:-$WORK/xdg-cache}"
PASS=0
FAILS=0
SKIPS=0
TEST_NAME=$(basename "$0" .sh)

pass() { PASS=$((PASS + 1)); echo "  ok   $*"; }
fail() { FAILS=$((FAILS + 1)); echo "  FAIL $*"; }

# skip_under_valgrind WHAT REASON : under `make valgrind` (scripts/valgrind.sh
# sets ABICHECK_UNDER_VALGRIND=1) says that WHAT is skipped and why, and
# succeeds; otherwise fails, so `skip_under_valgrind ... || check ...` runs
# the check in every other run.  Only for what valgrind itself changes (the
# process it runs is not the one the kernel would see), never to hide a
# finding.
skip_under_valgrind() {
	[ "${ABICHECK_UNDER_VALGRIND:-}" = 1 ] || return 1
	SKIPS=$((SKIPS + 1))
	echo "  skip $1 (under valgrind: $2)"
}

# The private temp dirs of abicheck runs go below SANDBOX; a run must leave
# it empty and must not touch anything else.  OUTSIDE holds a canary that a
# path escape would overwrite or join.
setup_sandbox() {
	SANDBOX="$WORK/sandbox"
	OUTSIDE="$WORK/outside"
	mkdir -p "$SANDBOX" "$OUTSIDE/cwd"
	echo canary > "$OUTSIDE/canary"
	: > "$WORK/stdout"; : > "$WORK/stderr" # exist before the first snapshot
}

snapshot() { # lists everything below WORK except the sandbox's own runs
	(cd "$WORK" && find . -path ./sandbox -prune -o -print | LC_ALL=C sort
	 cat outside/canary) 2>/dev/null
}

# run_abicheck ARGS... : sets RC, OUT, ERR (files); cwd is a scratch dir so
# a relative write would land where we look.
run_abicheck() {
	: > "$WORK/stdout"; : > "$WORK/stderr"
	(cd "$OUTSIDE/cwd" && TMPDIR="$SANDBOX" timeout "${ABICHECK_TIMEOUT:-60}" "$ABICHECK" "$@" \
		>"$WORK/stdout" 2>"$WORK/stderr")
	RC=$?
	OUT="$WORK/stdout"
	ERR="$WORK/stderr"
}

# expect_input_error DESCRIPTION REGEX ARGS... : exit 2, exactly one line on
# stderr matching REGEX (extended), sandbox empty, nothing else changed.
expect_input_error() {
	desc=$1 regex=$2
	shift 2
	before=$(snapshot)
	run_abicheck "$@"
	after=$(snapshot)
	lines=$(wc -l < "$ERR")
	leftover=$(ls -A "$SANDBOX")
	if [ "$RC" = 2 ] && [ "$lines" = 1 ] && grep -Eq -- "$regex" "$ERR" &&
	   [ -z "$leftover" ] && [ "$before" = "$after" ] && [ ! -s "$OUT" ]; then
		pass "$desc: $(cat "$ERR")"
	else
		fail "$desc: rc=$RC lines=$lines leftover='$leftover' stderr='$(head -c 400 "$ERR")'"
		[ "$before" = "$after" ] || fail "$desc: files changed outside the temp dir"
	fi
}

# expect_ok DESCRIPTION ARGS... : exit 0 and the sandbox left empty.
expect_ok() {
	desc=$1
	shift
	run_abicheck "$@"
	if [ "$RC" = 0 ] && [ -z "$(ls -A "$SANDBOX")" ]; then
		pass "$desc"
	else
		fail "$desc: rc=$RC stderr='$(head -c 400 "$ERR")'"
	fi
}

# ELF paths of an inspect run, one per line, sorted.
elf_set() { # ARGS... -> stdout
	TMPDIR="$SANDBOX" "$ABICHECK" inspect "$@" -o json |
		grep -o '"path": "[^"]*"' | sed 's/"path": "//; s/"$//' | LC_ALL=C sort -u
}

# ELF files below a directory the way `find -type f` + magic sees them.
find_elf_set() {
	(cd "$1" && find . -type f -print0 | xargs -0 -r sh -c '
		for f; do [ "$(head -c 4 "$f" | od -An -c | tr -d " ")" = "177ELF" ] && echo "${f#.}"; done' sh) |
		LC_ALL=C sort -u
}

# check DESCRIPTION JQ-FILTER [JQ-ARGS...] : passes when FILTER yields exactly
# `true` on the JSON in $OUT (an empty or broken $OUT fails); $SHOW (a jq
# filter) is printed on failure.
SHOW=.
check() {
	desc=$1 filter=$2
	shift 2
	if [ "$(jq "$@" "$filter" "$OUT" 2> /dev/null)" = true ]; then
		pass "$desc"
	else
		fail "$desc: $(jq -c "$@" "$SHOW" "$OUT" 2>&1 | head -c 900)"
	fi
}

# scan_one IMAGE PATH [ARG] : scans one file; the result must be a clean
# report with that one file.  Sets OUT, F (its entry, a jq path) and SHOW.
scan_one() {
	run_abicheck scan "$1" "$2" ${3:+"$3"} -o json
	F='.files[0]'
	SHOW="$F | del(.facts.versions)"
	if [ "$RC" != 0 ] || [ -s "$ERR" ] || ! jq -e --arg p "$2" \
		'.schema == "abicheck.scan/v1" and (.files | length) == 1 and .files[0].path == $p and
		 .files[0].error == null' "$OUT" > /dev/null 2>&1; then
		fail "scan $*: rc=$RC stderr='$(head -c 300 "$ERR")' $(head -c 300 "$OUT")"
	fi
}

# od_addrs OBJDUMP BINARY FUNCTION REGEX : "0x..." addresses, one a line, of
# the instructions of FUNCTION (a symbol in objdump -d) whose text matches
# REGEX.
od_addrs() {
	"$1" -d "$2" | awk -v fn="<$3>:" -v re="$4" '
		/^[0-9a-f]+ <.*>:$/ { infn = ($2 == fn); next }
		infn { n = split($0, f, "\t"); t = f[3]; for (i = 4; i <= n; i++) t = t " " f[i]
		       if (n >= 3 && t ~ re) { a = $1; sub(":", "", a); print "0x" a } }'
}

# build NAME COMMAND... : runs a compiler for a fixture, notes a failure once.
build() {
	name=$1
	shift
	if ! "$@" > "$WORK/cc.err" 2>&1; then
		fail "build $name: $(head -c 400 "$WORK/cc.err")"
		return 1
	fi
}

finish() {
	_skipped=
	[ "$SKIPS" = 0 ] || _skipped=", $SKIPS skipped under valgrind"
	echo "$TEST_NAME: $PASS passed, $FAILS failed$_skipped"
	[ "$FAILS" = 0 ]
}
